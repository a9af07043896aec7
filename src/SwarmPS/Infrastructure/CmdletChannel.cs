using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Management.Automation;
using System.Threading.Tasks;

namespace SwarmPS.Infrastructure
{
    /// <summary>
    /// The one async bridge: background work posts what it wants written, and the pipeline thread
    /// replays it in the order it was posted, because PowerShell streams may only be written there.
    /// </summary>
    internal sealed class CmdletChannel
    {
        private readonly BlockingCollection<(Action<Cmdlet> Write, ErrorRecord? Error)> queue = new BlockingCollection<(Action<Cmdlet>, ErrorRecord?)>();

        internal void Post(Action<Cmdlet> write) => Post(write, null);

        private void Post(Action<Cmdlet> write, ErrorRecord? error)
        {
            try
            {
                queue.Add((write, error));
            }
            catch (InvalidOperationException)
            {
                // The pump has finished (the pipeline was stopped): nothing can be written any more.
            }
        }

        internal void WriteObject(object value) => Post(cmdlet => cmdlet.WriteObject(value));

        /// <summary>Writes a work item's result: each element of a collection, or the one object; nothing for null.</summary>
        internal void WriteResult(object? result)
        {
            if (result is System.Collections.IEnumerable many && result is not string && result is not PSObject)
            {
                foreach (object one in many)
                {
                    WriteObject(one);
                }
            }
            else if (result != null)
            {
                WriteObject(result);
            }
        }

        internal void WriteError(ErrorRecord record) => Post(cmdlet => cmdlet.WriteError(record), record);

        internal void WriteVerbose(string message) => Post(cmdlet => cmdlet.WriteVerbose(message));

        internal void WriteDebug(string message) => Post(cmdlet => cmdlet.WriteDebug(message));

        internal void WriteWarning(string message) => Post(cmdlet => cmdlet.WriteWarning(message));

        internal void WriteProgress(ProgressRecord record) => Post(cmdlet => cmdlet.WriteProgress(record));

        /// <summary>A reporter for work on one target outside a fan-out: messages name it, progress is a child of the activity.</summary>
        internal IOperationReporter ReporterFor(string target, string activity) => new HostReporter(this, target, activity, activityId: 2, parentActivityId: 1);

        /// <summary>Runs <paramref name="body"/> in the background and drains the queue on this (the pipeline) thread.</summary>
        internal void Pump(Cmdlet cmdlet, Func<Task> body)
        {
            Task work = Task.Run(body);
            work.ContinueWith(_ => queue.CompleteAdding(), TaskScheduler.Default);

            // After Ctrl+C the pipeline refuses every write, but the work goes on until each host in flight has
            // stopped (and rolled back): keep draining until it ends, so the prompt does not come back before it,
            // and keep the errors it reports on the way (such as OperationStopped) to show them at the end.
            PipelineStoppedException? stopped = null;
            var stoppedErrors = new List<ErrorRecord>();
            try
            {
                foreach ((Action<Cmdlet> write, ErrorRecord? error) in queue.GetConsumingEnumerable())
                {
                    if (stopped != null)
                    {
                        if (error != null)
                        {
                            stoppedErrors.Add(error);
                        }

                        continue;
                    }

                    try
                    {
                        write(cmdlet);
                    }
                    catch (PipelineStoppedException stopping)
                    {
                        stopped = stopping;
                        if (error != null)
                        {
                            stoppedErrors.Add(error);
                        }
                    }
                }
            }
            finally
            {
                queue.CompleteAdding();
            }

            if (stopped != null)
            {
                ReportAfterStop(cmdlet, stoppedErrors);
                throw stopped;
            }

            // Rethrows the original exception, not an AggregateException.
            work.GetAwaiter().GetResult();
        }

        // The error stream is closed once the pipeline stops; the host's error line and $Error still reach the user.
        private static void ReportAfterStop(Cmdlet cmdlet, List<ErrorRecord> errors)
        {
            if (errors.Count == 0 || cmdlet is not PSCmdlet command)
            {
                return;
            }

            System.Collections.ArrayList? errorVariable = null;
            try
            {
                errorVariable = command.SessionState.PSVariable.GetValue("Error") as System.Collections.ArrayList;
            }
            catch (PSInvalidOperationException)
            {
                // No session state to record in: the host's line is all there is.
            }

            foreach (ErrorRecord stoppedError in errors)
            {
                // Named as WriteError would name it (id,command type), so scripts match it as they match any other.
                var error = new ErrorRecord(stoppedError.Exception, $"{stoppedError.FullyQualifiedErrorId},{command.GetType().FullName}",
                    stoppedError.CategoryInfo.Category, stoppedError.TargetObject);
                errorVariable?.Insert(0, error);
                try
                {
                    command.Host?.UI?.WriteErrorLine($"{error.CategoryInfo.TargetName}: {error.Exception.Message} ({error.FullyQualifiedErrorId})");
                }
                catch (Exception hostFailure) when (hostFailure is PSInvalidOperationException || hostFailure is NotImplementedException || hostFailure is System.Management.Automation.Host.HostException)
                {
                    // A host without a UI: $Error still has the record.
                }
            }
        }
    }
}
