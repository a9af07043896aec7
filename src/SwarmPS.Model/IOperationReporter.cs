namespace SwarmPS
{
    /// <summary>
    /// What the engine may say while it works. Cmdlets implement it by queueing each message for the
    /// pipeline thread, so engine code never touches PowerShell streams directly.
    /// </summary>
    public interface IOperationReporter
    {
        /// <summary>Narrates one step in plain words (-Verbose).</summary>
        void Verbose(string message);

        /// <summary>Detail for troubleshooting (-Debug). Never a secret.</summary>
        void Debug(string message);

        /// <summary>Something the user should know, such as an exposed port.</summary>
        void Warning(string message);

        /// <summary>Reports progress of the current item as a status line and a percentage (-1 when unknown).</summary>
        void Progress(string status, int percent);
    }

    /// <summary>A reporter that discards everything, for callers that do not listen.</summary>
    public sealed class NullReporter : IOperationReporter
    {
        public static NullReporter Instance { get; } = new NullReporter();

        private NullReporter()
        {
        }

        public void Verbose(string message)
        {
        }

        public void Debug(string message)
        {
        }

        public void Warning(string message)
        {
        }

        public void Progress(string status, int percent)
        {
        }
    }
}
