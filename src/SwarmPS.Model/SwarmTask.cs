using System;

namespace SwarmPS
{
    /// <summary>
    /// One task of a swarm service, as docker service ps shows it: its slot, node, desired and current state, and
    /// why it is not running, in plain words.
    /// </summary>
    public sealed class SwarmTask
    {
        public SwarmTask(SwarmTaskData data)
        {
            Container = data.Container;
            ServiceId = data.ServiceId;
            Slot = data.Slot;
            TaskId = data.TaskId;
            Node = data.Node;
            NodeId = data.NodeId;
            DesiredState = data.DesiredState;
            CurrentState = data.CurrentState;
            Since = data.Since;
            Error = data.Error;
            Reason = data.Reason;
            Image = data.Image;
            ContainerId = data.ContainerId;
            Cluster = data.Cluster;
        }

        /// <summary>The container's (service's) name, as New-SwarmContainer and Get-SwarmContainer name it.</summary>
        public string Container { get; }

        public string ServiceId { get; }

        /// <summary>The replica's slot (1, 2, ...); 0 for a task of a global service, which has one per node.</summary>
        public long Slot { get; }

        public string TaskId { get; }

        /// <summary>The hostname of the node the task was placed on; empty while no node can take it.</summary>
        public string Node { get; }

        /// <summary>The swarm id of that node; empty while unassigned.</summary>
        public string NodeId { get; }

        /// <summary>What swarm wants of the task: running, shutdown, ...</summary>
        public string DesiredState { get; }

        /// <summary>Where the task is: pending, preparing, running, failed, rejected, shutdown, ...</summary>
        public string CurrentState { get; }

        /// <summary>When the task entered its current state.</summary>
        public DateTime? Since { get; }

        /// <summary>How long the task has been in its current state.</summary>
        public TimeSpan? Age => Since == null ? null : DateTime.UtcNow - Since.Value.ToUniversalTime();

        /// <summary>Swarm's own error text, as docker service ps shows it; empty when there is none.</summary>
        public string Error { get; }

        /// <summary>Why the task is not running, in plain words (no node matches storage==nvme); empty when it runs.</summary>
        public string Reason { get; }

        public string Image { get; }

        /// <summary>The task's container on its node; empty until one is created.</summary>
        public string ContainerId { get; }

        public string Cluster { get; }

        /// <summary>name.slot, as docker service ps names a replica (name.nodeid for a global service's task).</summary>
        public override string ToString() => Slot > 0 ? $"{Container}.{Slot}" : $"{Container}.{NodeId}";
    }

    /// <summary>The values a <see cref="SwarmTask"/> is made from.</summary>
    public sealed class SwarmTaskData
    {
        public string Container { get; init; } = string.Empty;

        public string ServiceId { get; init; } = string.Empty;

        public long Slot { get; init; }

        public string TaskId { get; init; } = string.Empty;

        public string Node { get; init; } = string.Empty;

        public string NodeId { get; init; } = string.Empty;

        public string DesiredState { get; init; } = string.Empty;

        public string CurrentState { get; init; } = string.Empty;

        public DateTime? Since { get; init; }

        public string Error { get; init; } = string.Empty;

        public string Reason { get; init; } = string.Empty;

        public string Image { get; init; } = string.Empty;

        public string ContainerId { get; init; } = string.Empty;

        public string Cluster { get; init; } = string.Empty;
    }
}
