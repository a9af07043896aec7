namespace SwarmPS
{
    /// <summary>A Docker CLI context that SwarmPS wrote for a cluster: docker --context NAME reaches its managers.</summary>
    public sealed class SwarmContext
    {
        public SwarmContext(string name, string cluster, string endpoint, bool tls, bool isCurrent, bool changed, string path)
        {
            Name = name;
            Cluster = cluster;
            Endpoint = endpoint;
            Tls = tls;
            IsCurrent = isCurrent;
            Changed = changed;
            Path = path;
        }

        /// <summary>The context's name, as docker --context takes it.</summary>
        public string Name { get; }

        /// <summary>The SwarmPS cluster the context reaches.</summary>
        public string Cluster { get; }

        /// <summary>The Docker endpoint: tcp://host:2376 or ssh://user@host.</summary>
        public string Endpoint { get; }

        /// <summary>True when the context carries the cluster's CA and a client certificate (mutual TLS).</summary>
        public bool Tls { get; }

        /// <summary>True when it is the Docker CLI's current context (currentContext in config.json).</summary>
        public bool IsCurrent { get; }

        /// <summary>True when the command wrote or removed something; false when the store was so already.</summary>
        public bool Changed { get; }

        /// <summary>The context's metadata file (meta.json) in the Docker CLI's context store.</summary>
        public string Path { get; }

        public override string ToString() => Name;
    }
}
