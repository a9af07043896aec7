using System;
using System.Collections.Concurrent;
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
        private readonly BlockingCollection<Action<Cmdlet>> queue = new BlockingCollection<Action<Cmdlet>>();

        internal void Post(Action<Cmdlet> write)
        {
            try
            {
                queue.Add(write);
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

        internal void WriteError(ErrorRecord record) => Post(cmdlet => cmdlet.WriteError(record));

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
            try
            {
                foreach (Action<Cmdlet> write in queue.GetConsumingEnumerable())
                {
                    write(cmdlet);
                }
            }
            finally
            {
                queue.CompleteAdding();
            }

            // Rethrows the original exception, not an AggregateException.
            work.GetAwaiter().GetResult();
        }
    }
}
