namespace SwarmPS.Engine.Ssh
{
    /// <summary>What a remote command printed and how it ended.</summary>
    public sealed class RemoteCommandResult
    {
        public RemoteCommandResult(int exitCode, string output, string error)
        {
            ExitCode = exitCode;
            Output = output;
            Error = error;
        }

        public int ExitCode { get; }

        public string Output { get; }

        public string Error { get; }

        public bool Succeeded => ExitCode == 0;
    }
}
