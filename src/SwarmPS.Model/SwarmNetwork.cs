using System;
using System.Collections.Generic;
using System.Linq;

namespace SwarmPS
{
    /// <summary>
    /// A network as docker network ls/inspect shows it on the manager: an overlay network that spans the swarm's nodes
    /// (or, with Get-SwarmNetwork -IncludeLocal, one of the manager's own local networks), with the containers
    /// (services) attached to it.
    /// </summary>
    public sealed class SwarmNetwork
    {
        public SwarmNetwork(SwarmNetworkData data)
        {
            Name = data.Name;
            Id = data.Id;
            Driver = data.Driver;
            Scope = data.Scope;
            Attachable = data.Attachable;
            Encrypted = data.Encrypted;
            Internal = data.Internal;
            Ingress = data.Ingress;
            Subnets = data.Subnets.ToArray();
            Gateways = data.Gateways.ToArray();
            Labels = new Dictionary<string, string>(data.Labels, StringComparer.Ordinal);
            UsedBy = data.UsedBy.ToArray();
            Created = data.Created;
            Cluster = data.Cluster;
            Changed = data.Changed;
        }

        public string Name { get; }

        public string Id { get; }

        /// <summary>overlay for a swarm network; bridge, host, null ... for the manager's local ones.</summary>
        public string Driver { get; }

        /// <summary>swarm (spans the cluster) or local (one engine's).</summary>
        public string Scope { get; }

        /// <summary>Standalone containers (docker run --network) may join it, not only swarm containers.</summary>
        public bool Attachable { get; }

        /// <summary>Traffic between nodes is encrypted (IPsec), as docker network create --opt encrypted makes it.</summary>
        public bool Encrypted { get; }

        /// <summary>No route out of the network: its containers reach each other only.</summary>
        public bool Internal { get; }

        /// <summary>The routing mesh's network, which Docker made: it is never removed.</summary>
        public bool Ingress { get; }

        /// <summary>The address ranges (CIDR), as swarm assigned or as given at creation.</summary>
        public IReadOnlyList<string> Subnets { get; }

        public IReadOnlyList<string> Gateways { get; }

        public IReadOnlyDictionary<string, string> Labels { get; }

        /// <summary>The containers (services) attached to it; Remove-SwarmNetwork refuses while any is.</summary>
        public IReadOnlyList<string> UsedBy { get; }

        public bool InUse => UsedBy.Count > 0;

        public DateTime? Created { get; }

        public string Cluster { get; }

        /// <summary>True when this command created it; False when a network of that name and those options was there already.</summary>
        public bool Changed { get; }

        public override string ToString() => Name;
    }

    /// <summary>The values a <see cref="SwarmNetwork"/> is made from.</summary>
    public sealed class SwarmNetworkData
    {
        public string Name { get; init; } = string.Empty;

        public string Id { get; init; } = string.Empty;

        public string Driver { get; init; } = string.Empty;

        public string Scope { get; init; } = string.Empty;

        public bool Attachable { get; init; }

        public bool Encrypted { get; init; }

        public bool Internal { get; init; }

        public bool Ingress { get; init; }

        public IEnumerable<string> Subnets { get; init; } = Array.Empty<string>();

        public IEnumerable<string> Gateways { get; init; } = Array.Empty<string>();

        public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

        public IEnumerable<string> UsedBy { get; init; } = Array.Empty<string>();

        public DateTime? Created { get; init; }

        public string Cluster { get; init; } = string.Empty;

        public bool Changed { get; init; }
    }
}
