using System;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using SwarmPS.Engine.Docker;
using SwarmPS.Engine.Sessions;
using SwarmPS.Engine.Tls;

namespace SwarmPS.Infrastructure
{
    /// <summary>
    /// Base of every SwarmPS cmdlet: the runspace's session store, cancellation on Ctrl+C, and the
    /// async bridge that keeps every write on the pipeline thread.
    /// </summary>
    public abstract class SwarmCmdlet : PSCmdlet, IDisposable
    {
        private readonly CancellationTokenSource stopping = new CancellationTokenSource();

        /// <summary>Cancelled when the user presses Ctrl+C or the pipeline stops.</summary>
        protected internal CancellationToken StopToken => stopping.Token;

        private readonly Lazy<TlsIdentity> identity = new Lazy<TlsIdentity>(TlsIdentity.FromStateDirectory);
        private SessionStore? store;
        private EngineOpener? engines;

        /// <summary>This runspace's sessions. Resolved on the pipeline thread, where the runspace is known.</summary>
        internal SessionStore Sessions => store ??= SessionRegistry.Current;

        /// <summary>The SwarmPS client certificate and CA, read from the state directory once per command, not once per host.</summary>
        internal TlsIdentity Identity => identity.Value;

        /// <summary>The one way this command opens engine connections: this runspace's clients, keyed by endpoint and TLS mode.</summary>
        internal EngineOpener Engines => engines ??= new EngineOpener(Sessions, () => Identity);

        /// <summary>
        /// Runs work on one target: its messages name it, its progress is one bar, and its failure is a
        /// non-terminating error for that target, as in a fan-out over many.
        /// </summary>
        internal void RunForTarget(string target, string activity, Func<IOperationReporter, Task<object?>> work)
        {
            RunAsync(async channel =>
            {
                var reporter = new HostReporter(channel, target, activity, activityId: 1, parentActivityId: -1);
                try
                {
                    channel.WriteResult(await work(reporter).ConfigureAwait(false));
                }
                catch (SwarmException failure)
                {
                    channel.WriteError(ErrorRecords.From(failure, target));
                }
                finally
                {
                    reporter.Complete();
                }
            });
        }

        /// <summary>Runs async work and replays everything it writes on the pipeline thread.</summary>
        internal void RunAsync(Func<CmdletChannel, Task> body)
        {
            // Background threads have no default runspace: resolve the store here first.
            _ = Sessions;
            var channel = new CmdletChannel();
            try
            {
                channel.Pump(this, () => body(channel));
            }
            catch (SwarmException failure)
            {
                ThrowTerminatingError(ErrorRecords.From(failure));
            }
            catch (Exception failure) when (failure is not PipelineStoppedException && failure is not OperationCanceledException && failure is not RuntimeException)
            {
                // Something the engine did not foresee (a raw API error): still a stable id, never a bare exception.
                ThrowTerminatingError(ErrorRecords.Unexpected(failure, "UnexpectedFailure", null));
            }
        }

        /// <summary>Writes an engine failure as a non-terminating error for its target.</summary>
        internal void WriteSwarmError(SwarmException failure, object? target = null)
        {
            WriteError(ErrorRecords.From(failure, target));
        }

        protected override void StopProcessing()
        {
            stopping.Cancel();
        }

        public void Dispose()
        {
            stopping.Dispose();
            GC.SuppressFinalize(this);
        }
    }
}
