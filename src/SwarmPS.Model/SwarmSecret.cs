using System;
using System.Collections.Generic;
using System.Linq;

namespace SwarmPS
{
    /// <summary>
    /// A swarm secret as docker secret ls/inspect shows it: never its value, which the Engine API does not give back
    /// and SwarmPS never keeps.
    /// </summary>
    public sealed class SwarmSecret
    {
        public SwarmSecret(string name, string id, DateTime? created, DateTime? updated, IReadOnlyDictionary<string, string> labels, IEnumerable<string> usedBy, string cluster, bool changed)
        {
            Name = name;
            Id = id;
            Created = created;
            Updated = updated;
            Labels = new Dictionary<string, string>(labels, StringComparer.Ordinal);
            UsedBy = usedBy.ToArray();
            Cluster = cluster;
            Changed = changed;
        }

        public string Name { get; }

        public string Id { get; }

        public DateTime? Created { get; }

        /// <summary>When its labels last changed: a secret's value never changes.</summary>
        public DateTime? Updated { get; }

        public IReadOnlyDictionary<string, string> Labels { get; }

        /// <summary>The containers (services) that mount it; Remove-SwarmSecret refuses while any does.</summary>
        public IReadOnlyList<string> UsedBy { get; }

        public bool InUse => UsedBy.Count > 0;

        public string Cluster { get; }

        /// <summary>True when this command created it.</summary>
        public bool Changed { get; }

        public override string ToString() => Name;
    }

    /// <summary>
    /// A swarm config as docker config ls/inspect shows it, with the size of its content. (Named SwarmConfigItem
    /// because Docker.DotNet's SwarmConfig would clash with it in every file that uses the Engine API's models.)
    /// </summary>
    public sealed class SwarmConfigItem
    {
        public SwarmConfigItem(string name, string id, DateTime? created, DateTime? updated, IReadOnlyDictionary<string, string> labels, long size, IEnumerable<string> usedBy, string cluster, bool changed)
        {
            Name = name;
            Id = id;
            Created = created;
            Updated = updated;
            Labels = new Dictionary<string, string>(labels, StringComparer.Ordinal);
            Size = size;
            UsedBy = usedBy.ToArray();
            Cluster = cluster;
            Changed = changed;
        }

        public string Name { get; }

        public string Id { get; }

        public DateTime? Created { get; }

        public DateTime? Updated { get; }

        public IReadOnlyDictionary<string, string> Labels { get; }

        /// <summary>The content's length in bytes.</summary>
        public long Size { get; }

        /// <summary>The containers (services) that mount it; Remove-SwarmConfig refuses while any does.</summary>
        public IReadOnlyList<string> UsedBy { get; }

        public bool InUse => UsedBy.Count > 0;

        public string Cluster { get; }

        /// <summary>True when this command created it; False when a config with the same name and content was there already.</summary>
        public bool Changed { get; }

        public override string ToString() => Name;
    }
}
