using System.Collections.Generic;
using Docker.DotNet.Models;
using SwarmPS.Engine.Workloads;

namespace SwarmPS.Engine.Stacks
{
    /// <summary>An overlay network of a stack: created as <c>&lt;stack&gt;_&lt;name&gt;</c> unless external.</summary>
    public sealed record StackNetwork(string Key, string Name, bool External, NetworksCreateParameters? Create);

    /// <summary>A secret or config of a stack, from a file (created as <c>&lt;stack&gt;_&lt;name&gt;</c>) or external.</summary>
    public sealed record StackFileObject(string Key, string Name, bool External, string? File, IReadOnlyDictionary<string, string> Labels);

    /// <summary>One service of a stack: its short name, the spec to send and what the plan checks before sending it.</summary>
    public sealed record StackService(string Key, ServiceSpec Spec, string Image, IReadOnlyList<PlacementConstraint> Constraints, ComposeMark Mark);

    /// <summary>A Compose document mapped to swarm objects, as docker stack deploy would send them, with its warnings.</summary>
    public sealed record StackDefinition(
        string Stack,
        IReadOnlyList<StackNetwork> Networks,
        IReadOnlyList<StackFileObject> Secrets,
        IReadOnlyList<StackFileObject> Configs,
        IReadOnlyList<StackService> Services,
        IReadOnlyList<ComposeWarning> Warnings);
}
