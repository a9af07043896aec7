using System;
using System.IO;

namespace SwarmPS.Engine.State
{
    /// <summary>
    /// Where SwarmPS keeps its files. Environment variables point elsewhere, so tests and runbooks
    /// never touch the user's real state or ~/.ssh/known_hosts.
    /// </summary>
    public static class SwarmPaths
    {
        /// <summary>Overrides the state directory (CA, client certificate, saved clusters).</summary>
        public const string StateDirectoryVariable = "SWARMPS_STATE_DIR";

        /// <summary>Overrides the known_hosts file used to verify SSH host keys.</summary>
        public const string KnownHostsVariable = "SWARMPS_KNOWN_HOSTS";

        public static string StateDirectory
        {
            get
            {
                string? configured = Environment.GetEnvironmentVariable(StateDirectoryVariable);
                if (!string.IsNullOrWhiteSpace(configured))
                {
                    return Path.GetFullPath(configured);
                }

                // ~/.local/share/SwarmPS on Linux and macOS, %LOCALAPPDATA%\SwarmPS on Windows.
                return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create), "SwarmPS");
            }
        }

        public static string TlsDirectory => Path.Combine(StateDirectory, "tls");

        /// <summary>The known_hosts file: an explicit path, else the variable, else OpenSSH's own ~/.ssh/known_hosts.</summary>
        public static string KnownHostsFile(string? explicitPath)
        {
            if (!string.IsNullOrWhiteSpace(explicitPath))
            {
                return Path.GetFullPath(explicitPath);
            }

            string? configured = Environment.GetEnvironmentVariable(KnownHostsVariable);
            if (!string.IsNullOrWhiteSpace(configured))
            {
                return Path.GetFullPath(configured);
            }

            return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".ssh", "known_hosts");
        }
    }
}
