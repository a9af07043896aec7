namespace SwarmPS
{
    /// <summary>A registry login saved by Connect-SwarmRegistry: the registry and the user, never the password.</summary>
    public sealed class SwarmRegistry
    {
        public SwarmRegistry(string registry, string userName, bool changed)
        {
            Registry = registry;
            UserName = userName;
            Changed = changed;
        }

        /// <summary>host[:port], or Docker Hub's key (https://index.docker.io/v1/).</summary>
        public string Registry { get; }

        public string UserName { get; }

        /// <summary>True when the command saved or removed the login; false when it was so already.</summary>
        public bool Changed { get; }

        public override string ToString() => Registry;
    }
}
