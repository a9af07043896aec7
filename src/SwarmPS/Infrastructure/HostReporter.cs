using System.Management.Automation;

namespace SwarmPS.Infrastructure
{
    /// <summary>Reports one host's work: messages name the host, progress is a child bar of the operation's bar.</summary>
    internal sealed class HostReporter : IOperationReporter
    {
        private readonly CmdletChannel channel;
        private readonly string host;
        private readonly string activity;
        private readonly int activityId;
        private readonly int parentActivityId;

        internal HostReporter(CmdletChannel channel, string host, string activity, int activityId, int parentActivityId)
        {
            this.channel = channel;
            this.host = host;
            this.activity = activity;
            this.activityId = activityId;
            this.parentActivityId = parentActivityId;
        }

        public void Verbose(string message) => channel.WriteVerbose($"[{host}] {message}");

        public void Debug(string message) => channel.WriteDebug($"[{host}] {message}");

        public void Warning(string message) => channel.WriteWarning($"[{host}] {message}");

        public void Progress(string status, int percent)
        {
            var record = new ProgressRecord(activityId, $"{activity}: {host}", status)
            {
                ParentActivityId = parentActivityId,
                PercentComplete = percent < 0 ? -1 : System.Math.Min(percent, 100),
            };
            channel.WriteProgress(record);
        }

        internal void Complete()
        {
            channel.WriteProgress(new ProgressRecord(activityId, $"{activity}: {host}", "Done")
            {
                ParentActivityId = parentActivityId,
                RecordType = ProgressRecordType.Completed,
            });
        }
    }
}
