using System;

namespace SwarmPS.Engine.Registry
{
    /// <summary>
    /// A user name and password for one registry. Not a record: a record's generated ToString would print the
    /// password into any log or error that formats it.
    /// </summary>
    public sealed class RegistryLogin
    {
        public RegistryLogin(string registry, string userName, string password)
        {
            Registry = registry;
            UserName = userName;
            Password = password;
        }

        /// <summary>The registry as a login is filed: host[:port], or Docker Hub's key.</summary>
        public string Registry { get; }

        public string UserName { get; }

        public string Password { get; }

        /// <summary>The registry's host[:port] as the engine dials it (Docker Hub's login key is a URL).</summary>
        public string ServerAddress => Registry;

        public override string ToString() => $"{UserName} at {Registry}";
    }
}
