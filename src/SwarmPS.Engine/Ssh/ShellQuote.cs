namespace SwarmPS.Engine.Ssh
{
    /// <summary>POSIX shell quoting for the few values (paths, unit names) that go on a remote command line.</summary>
    public static class ShellQuote
    {
        /// <summary>Wraps a value in single quotes, escaping embedded single quotes the POSIX way.</summary>
        public static string Quote(string value) => "'" + value.Replace("'", "'\\''") + "'";
    }
}
