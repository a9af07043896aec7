using System;
using System.Collections.Generic;

namespace SwarmPS.Engine.Workloads
{
    /// <summary>What New-SwarmContainer was asked to run.</summary>
    public sealed record ContainerRequest
    {
        public string Name { get; init; } = string.Empty;

        public string Image { get; init; } = string.Empty;

        public IReadOnlyList<string> Command { get; init; } = Array.Empty<string>();

        public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

        public IReadOnlyList<PlacementConstraint> Constraints { get; init; } = Array.Empty<PlacementConstraint>();

        public IReadOnlyList<PortSpec> Publish { get; init; } = Array.Empty<PortSpec>();

        public bool PublishAllPorts { get; init; }

        public ulong Replicas { get; init; } = 1;

        public bool NoWait { get; init; }

        /// <summary>Swarm secrets to create and mount at /run/secrets/NAME. The bytes are wiped after use.</summary>
        public IReadOnlyDictionary<string, byte[]> Secrets { get; init; } = new Dictionary<string, byte[]>();

        public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(60);

        /// <summary>Resources, health check, restart and update policy; image, command, environment, ports and constraints come from the properties above.</summary>
        public ContainerSettings Settings { get; init; } = new ContainerSettings();
    }
}
