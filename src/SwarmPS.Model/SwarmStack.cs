using System;
using System.Collections.Generic;
using System.Linq;

namespace SwarmPS
{
    /// <summary>What Deploy-SwarmStack did (or, with -WhatIf, would do) to one service of a stack.</summary>
    public sealed class SwarmStackDeployment
    {
        public SwarmStackDeployment(string stack, string service, string name, string action, bool changed, string image, IReadOnlyList<string> changes, string cluster)
        {
            Stack = stack;
            Service = service;
            Name = name;
            Action = action;
            Changed = changed;
            Image = image;
            Changes = changes.ToArray();
            Cluster = cluster;
        }

        public string Stack { get; }

        /// <summary>The service's name in the Compose file.</summary>
        public string Service { get; }

        /// <summary>The swarm service's name, &lt;stack&gt;_&lt;service&gt;.</summary>
        public string Name { get; }

        /// <summary>Create, Update, Unchanged or Remove.</summary>
        public string Action { get; }

        /// <summary>Whether the swarm was changed for this service.</summary>
        public bool Changed { get; }

        public string Image { get; }

        /// <summary>For an update, the fields that differ, as "Field: before -> after".</summary>
        public IReadOnlyList<string> Changes { get; }

        public string Cluster { get; }

        public override string ToString() => Name;
    }

    /// <summary>One service of a deployed stack, as docker stack services shows it.</summary>
    public sealed class SwarmStackService
    {
        public SwarmStackService(string stack, string name, string image, string mode, long running, long desired, IReadOnlyList<string> ports)
        {
            Stack = stack;
            Name = name;
            Image = image;
            Mode = mode;
            Running = running;
            Desired = desired;
            Ports = ports.ToArray();
        }

        public string Stack { get; }

        public string Name { get; }

        public string Image { get; }

        /// <summary>replicated or global.</summary>
        public string Mode { get; }

        public long Running { get; }

        public long Desired { get; }

        /// <summary>Running/desired, as docker stack services prints REPLICAS.</summary>
        public string Replicas => $"{Running}/{Desired}";

        /// <summary>Published ports as published:target/protocol (mode).</summary>
        public IReadOnlyList<string> Ports { get; }

        public override string ToString() => Name;
    }

    /// <summary>A stack: the services, networks, secrets and configs labelled com.docker.stack.namespace=Name.</summary>
    public sealed class SwarmStack
    {
        public SwarmStack(string name, IReadOnlyList<SwarmStackService> services, IReadOnlyList<string> networks, IReadOnlyList<string> secrets, IReadOnlyList<string> configs, string cluster)
        {
            Name = name;
            Services = services.ToArray();
            Networks = networks.ToArray();
            Secrets = secrets.ToArray();
            Configs = configs.ToArray();
            Cluster = cluster;
        }

        public string Name { get; }

        public IReadOnlyList<SwarmStackService> Services { get; }

        public IReadOnlyList<string> Networks { get; }

        public IReadOnlyList<string> Secrets { get; }

        public IReadOnlyList<string> Configs { get; }

        public string Cluster { get; }

        public long Running => Services.Sum(s => s.Running);

        public long Desired => Services.Sum(s => s.Desired);

        /// <summary>Every published port of the stack's services.</summary>
        public IReadOnlyList<string> Ports => Services.SelectMany(s => s.Ports).ToArray();

        public override string ToString() => Name;
    }
}
