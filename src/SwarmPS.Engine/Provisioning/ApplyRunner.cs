using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using SwarmPS.Engine.Ssh;

namespace SwarmPS.Engine.Provisioning
{
    /// <summary>Why the engine did not come back after an apply script, which then put the previous files back.</summary>
    internal sealed class EngineFailure
    {
        internal EngineFailure(string reason, string journal)
        {
            Reason = reason;
            Journal = journal;
        }

        /// <summary>The script's last line on stderr: the step that failed, or the labels the engine reported instead.</summary>
        internal string Reason { get; }

        /// <summary>The last lines of the engine's journal, taken on the host before the rollback.</summary>
        internal string Journal { get; }
    }

    /// <summary>
    /// Runs an <see cref="ApplyScript"/> on a host in one round trip and turns how it ended into the module's errors,
    /// the same for every command that changes a host's Docker configuration: <c>BackupFailed</c>,
    /// <c>ConfigurationWriteFailed</c>, and <c>OperationStopped</c> after Ctrl+C (the change rolled back first, with a
    /// token of its own). An engine that did not come back is returned, for the command to name in its own error.
    /// </summary>
    internal static class ApplyRunner
    {
        // How long a rollback after Ctrl+C may take: a restore and one engine restart.
        private static readonly TimeSpan StopRollbackTimeout = TimeSpan.FromSeconds(90);

        /// <summary>Runs the script; null when the engine came back as expected.</summary>
        /// <param name="command">The cmdlet that runs it, named in a message that tells how to finish by hand.</param>
        internal static async Task<EngineFailure?> RunAsync(IRemoteShell session, ApplyScript script, string command, CancellationToken cancellationToken)
        {
            string host = session.Name;
            string backup = script.BackupFolder;
            if (cancellationToken.IsCancellationRequested)
            {
                throw new SwarmException("OperationStopped", SwarmErrorKind.OperationStopped, $"Stopped on {host} before anything was changed.", host);
            }

            RemoteCommandResult result;
            try
            {
                result = await session.SudoAsync(script.Text(), script.Input(), cancellationToken).ConfigureAwait(false);
                cancellationToken.ThrowIfCancellationRequested();
            }
            catch (Exception stopped) when (IsStop(stopped, cancellationToken))
            {
                throw await StoppedAsync(session, script, command, stopped).ConfigureAwait(false);
            }

            string failure = LastLine(result.Error);
            switch (result.ExitCode)
            {
                case 0:
                    return null;
                case ApplyScript.BackupFailedExit:
                    throw new SwarmException("BackupFailed", SwarmErrorKind.InvalidOperation,
                        $"On {host}: {failure} Nothing was changed.", host);
                case ApplyScript.WriteFailedExit:
                    throw new SwarmException("ConfigurationWriteFailed", SwarmErrorKind.InvalidOperation,
                        $"On {host}: {failure} The files already written were restored from {backup}; {EngineUntouched(script.Engine)}.", host);
                case ApplyScript.EngineFailedExit:
                    return new EngineFailure(failure, JournalOf(result.Output));
                default:
                    throw new SwarmException("ConfigurationWriteFailed", SwarmErrorKind.InvalidOperation,
                        $"Applying the change on {host} failed (exit {result.ExitCode}): {result.Error.Trim()} Look in {backup} for the files as they were before.", host);
            }
        }

        /// <summary>What became of the engine when the previous configuration was put back (null: putting it back failed).</summary>
        internal static string Restored(EngineAction? restoredBy) => restoredBy switch
        {
            EngineAction.Restart => "The previous configuration was restored and the engine restarted.",
            EngineAction.Reload => "The previous configuration was restored and the engine reloaded it.",
            EngineAction.None => "The previous configuration was restored.",
            _ => "Restoring the previous configuration failed too: restore by hand from the newest folder in " + RemotePaths.ChangeBackups + ".",
        };

        private static string EngineUntouched(EngineAction engine) => engine switch
        {
            EngineAction.Restart => "the engine was not restarted",
            EngineAction.Reload => "the engine was not reloaded",
            _ => "the engine was not touched",
        };

        // Ctrl+C mid-change: the cancelled token must not cut the rollback short, so it gets its own, bounded one.
        private static async Task<SwarmException> StoppedAsync(IRemoteShell session, ApplyScript script, string command, Exception stopped)
        {
            string host = session.Name;
            string backup = script.BackupFolder;
            string outcome;
            try
            {
                using var rollback = new CancellationTokenSource(StopRollbackTimeout);
                RemoteCommandResult undone = await session.SudoAsync(ApplyScript.RollbackText(backup, script.Engine), null, rollback.Token).ConfigureAwait(false);
                string said = undone.Output.Trim();
                if (!undone.Succeeded)
                {
                    throw new SwarmException("RestoreFailed", SwarmErrorKind.InvalidOperation, $"exit {undone.ExitCode}: {undone.Error.Trim()}", host);
                }

                outcome = said.EndsWith("nothing", StringComparison.Ordinal) ? "Nothing had been changed yet."
                    : said.EndsWith("engine=restarted", StringComparison.Ordinal) ? $"The previous configuration was restored from {backup} and the engine restarted with it."
                    : said.EndsWith("engine=reloaded", StringComparison.Ordinal) ? $"The previous configuration was restored from {backup} and the engine reloaded it."
                    : $"The files already written were restored from {backup}; {EngineUntouched(script.Engine)}.";
            }
            catch (Exception rollbackFailure) when (rollbackFailure is SwarmException || rollbackFailure is OperationCanceledException)
            {
                string engineStep = script.Engine == EngineAction.Reload ? "systemctl reload docker" : "systemctl daemon-reload and restart docker";
                outcome = $"Rolling back did not finish within {StopRollbackTimeout.TotalSeconds} seconds ({rollbackFailure.Message}): restore by hand from {backup} (copy its files back, then {engineStep}), or run {command} again.";
            }

            return new SwarmException("OperationStopped", SwarmErrorKind.OperationStopped, $"Stopped on {host} in the middle of the change. {outcome}", host, stopped);
        }

        private static string JournalOf(string output) => string.Join(Environment.NewLine, output.Split('\n')
            .Where(line => line.StartsWith(ApplyScript.JournalPrefix, StringComparison.Ordinal))
            .Select(line => line.Substring(ApplyScript.JournalPrefix.Length).TrimEnd('\r')));

        private static string LastLine(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Trim()).LastOrDefault(l => l.Length > 0) ?? "no reason given";

        // After Ctrl+C a remote command cut short may surface as a cancellation or as the module's own failure (its
        // session answering "cancelled"): either way it is the stop, not a fault of the host.
        private static bool IsStop(Exception failure, CancellationToken cancellationToken) =>
            cancellationToken.IsCancellationRequested && (failure is OperationCanceledException || (failure is SwarmException swarm && swarm.Kind != SwarmErrorKind.OperationStopped));
    }
}
