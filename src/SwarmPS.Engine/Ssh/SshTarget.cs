using System.Security;

namespace SwarmPS.Engine.Ssh
{
    /// <summary>Where and as whom to connect. Secrets stay in SecureStrings until the moment of use.</summary>
    public sealed class SshTarget
    {
        public SshTarget(string hostName, int port, string userName, string? keyFile, SecureString? secret)
        {
            HostName = hostName;
            Port = port;
            UserName = userName;
            KeyFile = keyFile;
            Secret = secret;
        }

        public string HostName { get; }

        public int Port { get; }

        public string UserName { get; }

        /// <summary>A private key file; when null, password authentication (and the user's default keys) are used.</summary>
        public string? KeyFile { get; }

        /// <summary>The key's passphrase when <see cref="KeyFile"/> is set, else the login password; also used for sudo.</summary>
        public SecureString? Secret { get; }

        public override string ToString() => $"{UserName}@{HostName}:{Port}";
    }
}
