using System;
using System.Collections.Generic;

namespace SwarmPS.Engine.Workloads
{
    /// <summary>
    /// The settings of a container (service) that New- and Set-SwarmContainer take. A null value
    /// leaves the setting as it is, so one type serves both creating and changing.
    /// </summary>
    public sealed record ContainerSettings
    {
        public ulong? Replicas { get; init; }

        public string? Image { get; init; }

        /// <summary>Arguments after the image, as in docker run: they replace CMD, the entrypoint stays.</summary>
        public IReadOnlyList<string>? Command { get; init; }

        /// <summary>Variables to add or change.</summary>
        public IReadOnlyDictionary<string, string>? SetEnvironment { get; init; }

        /// <summary>Variables to remove, by name.</summary>
        public IReadOnlyList<string>? RemoveEnvironment { get; init; }

        /// <summary>The published ports, all of them (host mode).</summary>
        public IReadOnlyList<PortSpec>? Publish { get; init; }

        /// <summary>The placement constraints, all of them.</summary>
        public IReadOnlyList<PlacementConstraint>? Constraints { get; init; }

        public double? ReserveCpu { get; init; }

        public long? ReserveMemory { get; init; }

        public double? LimitCpu { get; init; }

        public long? LimitMemory { get; init; }

        /// <summary>A shell command (run with /bin/sh -c in the container); exit 0 is healthy.</summary>
        public string? HealthCommand { get; init; }

        /// <summary>Turns off the health check, including one the image defines.</summary>
        public bool NoHealthCheck { get; init; }

        public TimeSpan? HealthInterval { get; init; }

        public TimeSpan? HealthTimeout { get; init; }

        public ulong? HealthRetries { get; init; }

        public TimeSpan? HealthStartPeriod { get; init; }

        /// <summary>none, on-failure or any.</summary>
        public string? RestartCondition { get; init; }

        public ulong? RestartMaxAttempts { get; init; }

        public TimeSpan? RestartDelay { get; init; }

        public ulong? UpdateParallelism { get; init; }

        public TimeSpan? UpdateDelay { get; init; }

        /// <summary>start-first or stop-first.</summary>
        public string? UpdateOrder { get; init; }

        /// <summary>pause, continue or rollback.</summary>
        public string? UpdateFailureAction { get; init; }

        public TimeSpan? UpdateMonitor { get; init; }

        public float? UpdateMaxFailureRatio { get; init; }

        /// <summary>
        /// A login for the image's registry, sent with the service for the nodes' pulls; not part of the spec. Null:
        /// the login saved for that registry, if any.
        /// </summary>
        public Registry.RegistryLogin? RegistryCredential { get; init; }

        /// <summary>The mounts (volumes, bind mounts, tmpfs), all of them; an empty list removes every mount.</summary>
        public IReadOnlyList<global::Docker.DotNet.Models.Mount>? Mounts { get; init; }

        /// <summary>
        /// References to cluster secrets to add; each replaces the one the container has at the same target (a rotation).
        /// Ids are filled in by <see cref="Objects.ClusterObjectService.ResolveAsync"/> before the spec is built.
        /// </summary>
        public IReadOnlyList<Objects.ObjectReference>? Secrets { get; init; }

        /// <summary>Secret references to drop, by target or by secret name.</summary>
        public IReadOnlyList<string>? RemoveSecrets { get; init; }

        /// <summary>References to cluster configs to add; each replaces the one at the same target.</summary>
        public IReadOnlyList<Objects.ObjectReference>? Configs { get; init; }

        /// <summary>Config references to drop, by target or by config name.</summary>
        public IReadOnlyList<string>? RemoveConfigs { get; init; }

        /// <summary>What the placement preferences spread over (node.labels.zone), in order, all of them; an empty list removes them.</summary>
        public IReadOnlyList<string>? PlacementPreferences { get; init; }

        /// <summary>
        /// True: one task on every eligible node (global mode); false: replicated. Swarm fixes the mode when the service is
        /// created: a change is refused (ModeCannotChange).
        /// </summary>
        public bool? Global { get; init; }

        /// <summary>The most tasks of this container on one node; 0 is no limit (replicated mode only).</summary>
        public ulong? MaxReplicasPerNode { get; init; }

        /// <summary>
        /// The swarm networks the container joins, all of them (an empty list leaves every network). Ids are filled in by
        /// <see cref="Networking.NetworkService.ResolveAsync"/> before the spec is built.
        /// </summary>
        public IReadOnlyList<Networking.NetworkReference>? Networks { get; init; }

        /// <summary>vip (a virtual IP in front of the replicas) or dnsrr (the name resolves to the replicas' own addresses).</summary>
        public string? EndpointMode { get; init; }

        /// <summary>host (the port on the node that runs each replica, the default) or ingress (the routing mesh, on every node) for the published ports.</summary>
        public string? PublishMode { get; init; }

        /// <summary>True when any resource setting is given.</summary>
        public bool HasReservation => ReserveCpu != null || ReserveMemory != null;
    }
}
