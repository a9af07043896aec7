using System.Collections.Generic;
using System.Linq;
using Docker.DotNet.Models;
using SwarmPS.Engine.Workloads;
using Xunit;

namespace SwarmPS.Tests
{
    /// <summary>
    /// Why a task does not run, in plain words. The error texts are swarm's own: swarmkit's scheduler
    /// (manager/scheduler/filter.go Explain, pipeline.go, scheduler.go noSuitableNode) and the node's engine.
    /// </summary>
    public sealed class TaskReasonsTests
    {
        private const long Cpu = 1_000_000_000;
        private const long GiB = 1L << 30;

        private static readonly IReadOnlyList<NodeListResponse> ThreeNodes = new[]
        {
            Node("n1", "core-01", cpus: 2 * Cpu, memory: 4 * GiB),
            Node("n2", "core-02", cpus: 2 * Cpu, memory: 4 * GiB),
            Node("n3", "core-03", cpus: 4 * Cpu, memory: 8 * GiB),
        };

        [Theory]
        [InlineData("no suitable node (scheduling constraints not satisfied on 3 nodes)", new[] { "node.labels.storage==nvme" }, "no node matches storage==nvme")]
        [InlineData("no suitable node (scheduling constraints not satisfied on 1 node)", new[] { "node.labels.storage==ssd", "node.role!=manager" }, "no node matches storage==ssd and node.role!=manager")]
        [InlineData("no suitable node (scheduling constraints not satisfied on 2 nodes)", new[] { "engine.labels.zone == eu" }, "no node matches engine.labels.zone == eu")]
        public void Constraints_NoNodeMatches_NamesTheConstraints(string error, string[] constraints, string expected)
        {
            TaskResponse task = Pending(error);
            task.Spec!.Placement = new Placement { Constraints = constraints };

            Assert.Equal(expected, TaskReasons.Explain(task, null, ThreeNodes));
        }

        [Fact]
        public void Resources_NamesWhatTheTaskReserves_AndWhatEachNodeHasFree()
        {
            TaskResponse task = Pending("no suitable node (insufficient resources on 3 nodes)", reserveCpus: 3 * Cpu);
            var others = new List<TaskResponse>
            {
                Placed("t1", "n1", TaskState.Running, cpus: Cpu / 2),
                Placed("t2", "n3", TaskState.Starting, cpus: 2 * Cpu),
                // Neither a finished task nor one still unassigned holds anything.
                Placed("t3", "n2", TaskState.Failed, cpus: 2 * Cpu),
                Placed("t4", null, TaskState.Pending, cpus: 2 * Cpu),
            };

            Assert.Equal(
                "no node has 3 free CPUs (core-01 has 1.5 CPUs free, core-02 has 2 CPUs free, core-03 has 2 CPUs free)",
                TaskReasons.Explain(task, null, ThreeNodes, others));
        }

        [Fact]
        public void Resources_WithCpusAndMemory_SaysBoth_AndNamesOnlyTheNodesShortOfThem()
        {
            TaskResponse task = Pending("no suitable node (insufficient resources on 2 nodes; scheduling constraints not satisfied on 1 node)", reserveCpus: Cpu, reserveMemory: 6 * GiB);
            task.Spec!.Placement = new Placement { Constraints = new[] { "node.labels.storage==ssd" } };
            var others = new List<TaskResponse> { Placed("t1", "n3", TaskState.Running, memory: 3 * GiB) };

            Assert.Equal(
                "no node can take it: 2 nodes do not have 1 free CPU and 6 GiB free memory (core-01 has 2 CPUs and 4 GiB free, core-02 has 2 CPUs and 4 GiB free); 1 node does not match storage==ssd",
                TaskReasons.Explain(task, null, ThreeNodes.Take(2).ToList(), others));
        }

        [Fact]
        public void Resources_WithoutTheSwarmsTasks_SaysWhatIsNeededOnly()
        {
            TaskResponse task = Pending("no suitable node (insufficient resources on 3 nodes)", reserveMemory: 512L << 20);

            Assert.Equal("no node has 512 MiB free memory", TaskReasons.Explain(task, null, ThreeNodes));
        }

        [Fact]
        public void NotAvailable_NamesTheDrainedPausedAndDownNodes()
        {
            var nodes = new[]
            {
                Node("n1", "core-01", availability: "drain"),
                Node("n2", "core-02", availability: "pause"),
                Node("n3", "core-03", state: "down"),
            };

            Assert.Equal(
                "no node is available for new tasks: core-01 is drained, core-02 is paused, core-03 is down",
                TaskReasons.Explain(Pending("no suitable node (3 nodes not available for new tasks)"), null, nodes));
        }

        [Fact]
        public void NotAvailable_BesideAnotherFailure_NamesTheNode()
        {
            var nodes = new[] { Node("n1", "core-01", cpus: Cpu), Node("n2", "core-02", availability: "drain") };
            TaskResponse task = Pending("no suitable node (insufficient resources on 1 node; 1 node not available for new tasks)", reserveCpus: 2 * Cpu);

            Assert.Equal(
                "no node can take it: 1 node does not have 2 free CPUs (core-01 has 1 CPU free); core-02 is drained",
                TaskReasons.Explain(task, null, nodes, new List<TaskResponse>()));
        }

        [Fact]
        public void HostPort_PinnedReplicas_SayWhichPortIsTakenWhere()
        {
            // Two replicas of a host-mode 8081:80 pinned to core-02: the second cannot go there, nor anywhere else.
            TaskResponse task = Pending("no suitable node (scheduling constraints not satisfied on 2 nodes; host-mode port already in use on 1 node)");
            task.Spec!.Placement = new Placement { Constraints = new[] { "node.hostname==core-02" } };
            ServiceSpec service = HostPorts(8081);
            TaskResponse first = Placed("t1", "n2", TaskState.Running);
            first.Status!.PortStatus = new PortStatus { Ports = new List<PortConfig> { new PortConfig { Protocol = "tcp", TargetPort = 80, PublishedPort = 8081, PublishMode = "host" } } };

            Assert.Equal(
                "no node can take it: 2 nodes do not match node.hostname==core-02; host port 8081/tcp is already in use on core-02",
                TaskReasons.Explain(task, service, ThreeNodes, new List<TaskResponse> { first }));
        }

        [Fact]
        public void HostPort_OnEveryNode_WithoutTheSwarmsTasks_NamesThePorts()
        {
            Assert.Equal(
                "no node has host ports 8080/tcp and 53/udp free",
                TaskReasons.Explain(Pending("no suitable node (host-mode port already in use on 3 nodes)"), HostPorts(8080, 53), ThreeNodes));
        }

        [Fact]
        public void Platform_NamesThePlatformsAsked()
        {
            TaskResponse task = Pending("no suitable node (unsupported platform on 3 nodes)");
            task.Spec!.Placement = new Placement { Platforms = new List<SwarmPlatform> { new SwarmPlatform { OS = "linux", Architecture = "arm64" } } };

            Assert.Equal("no node runs linux/arm64", TaskReasons.Explain(task, null, ThreeNodes));
        }

        [Fact]
        public void MaxReplicas_SaysTheLimit()
        {
            TaskResponse task = Pending("no suitable node (max replicas per node limit exceed; scheduling constraints not satisfied on 1 node)");
            task.Spec!.Placement = new Placement { MaxReplicas = 1, Constraints = new[] { "node.role==worker" } };

            Assert.Equal(
                "no node can take it: the other nodes already run 1 replica of it, the most allowed per node; 1 node does not match node.role==worker",
                TaskReasons.Explain(task, null, ThreeNodes));
        }

        [Theory]
        [InlineData("no suitable node (missing plugin on 3 nodes)", "no node has a plugin it needs (volume, network or log driver)")]
        [InlineData("no suitable node (cannot fulfill requested CSI volume mounts on 3 nodes)", "no node can mount the CSI volumes it asks for")]
        [InlineData("no suitable node", "the swarm has no node to place it on")]
        // A filter a later swarm may add: its own words are kept.
        [InlineData("no suitable node (insufficient GPUs on 2 nodes)", "insufficient GPUs on 2 nodes")]
        public void OtherSchedulerTexts(string error, string expected)
        {
            Assert.Equal(expected, TaskReasons.Explain(Pending(error), null, ThreeNodes));
        }

        [Theory]
        [InlineData("No such image: swarmps/web:latest@sha256:9b2a4c", "image swarmps/web:latest is not on core-02 and could not be pulled")]
        [InlineData("Error: No such image: localhost:5000/redis", "image localhost:5000/redis is not on core-02 and could not be pulled")]
        [InlineData("starting container failed: driver failed programming external connectivity on endpoint web.1.x7k2m9q4w1e8 (4f1c0a): Bind for 0.0.0.0:8080 failed: port is already allocated", "host port 8080 is already in use on core-02")]
        [InlineData("starting container failed: driver failed programming external connectivity on endpoint web.1.x7k2m9q4w1e8 (4f1c0a): Error starting userland proxy: listen tcp4 0.0.0.0:8080: bind: address already in use", "host port 8080/tcp is already in use on core-02")]
        [InlineData("task: non-zero exit (1)", "the container exited with code 1")]
        [InlineData("task: non-zero exit (137)", "the container was killed (exit code 137), often for running out of memory")]
        // Anything else is swarm's text, unchanged.
        [InlineData("invalid mount config for type \"bind\": bind source path does not exist: /data", "invalid mount config for type \"bind\": bind source path does not exist: /data")]
        public void NodeErrors_NameTheNode(string error, string expected)
        {
            TaskResponse task = Placed("t9", "n2", TaskState.Rejected);
            task.Status!.Err = error;

            Assert.Equal(expected, TaskReasons.Explain(task, null, ThreeNodes));
        }

        [Fact]
        public void ARunningTask_OrOneWithoutError_HasNoReason()
        {
            TaskResponse running = Placed("t1", "n1", TaskState.Running);
            running.Status!.Err = "no suitable node (insufficient resources on 3 nodes)";
            TaskResponse preparing = Placed("t2", "n1", TaskState.Preparing);

            Assert.Equal(string.Empty, TaskReasons.Explain(running, null, ThreeNodes));
            Assert.Equal(string.Empty, TaskReasons.Explain(preparing, null, ThreeNodes));
        }

        [Fact]
        public void ManyNodes_AreCutToTen()
        {
            var nodes = new List<NodeListResponse>();
            for (int i = 1; i <= 12; i++)
            {
                nodes.Add(Node($"n{i}", $"core-{i:00}", availability: "drain"));
            }

            string reason = TaskReasons.Explain(Pending("no suitable node (12 nodes not available for new tasks)"), null, nodes);

            Assert.EndsWith("core-10 is drained and 2 more", reason, System.StringComparison.Ordinal);
            Assert.DoesNotContain("core-11", reason, System.StringComparison.Ordinal);
        }

        private static TaskResponse Pending(string error, long reserveCpus = 0, long reserveMemory = 0) => new TaskResponse
        {
            ID = "pending-task",
            ServiceID = "svc",
            Slot = 2,
            DesiredState = TaskState.Running,
            Spec = new TaskSpec
            {
                ContainerSpec = new ContainerSpec { Image = "swarmps/web:latest" },
                Resources = reserveCpus == 0 && reserveMemory == 0 ? null : new ResourceRequirements { Reservations = new SwarmResources { NanoCPUs = reserveCpus, MemoryBytes = reserveMemory } },
            },
            Status = new TaskStatus { State = TaskState.Pending, Message = "pending task scheduling", Err = error },
        };

        private static TaskResponse Placed(string id, string? node, TaskState state, long cpus = 0, long memory = 0) => new TaskResponse
        {
            ID = id,
            ServiceID = "other",
            NodeID = node,
            DesiredState = TaskState.Running,
            Spec = new TaskSpec { Resources = new ResourceRequirements { Reservations = new SwarmResources { NanoCPUs = cpus, MemoryBytes = memory } } },
            Status = new TaskStatus { State = state },
        };

        private static ServiceSpec HostPorts(params uint[] published) => new ServiceSpec
        {
            Name = "web",
            EndpointSpec = new EndpointSpec
            {
                Ports = published.Select(p => new PortConfig { Protocol = p == 53 ? "udp" : "tcp", TargetPort = 80, PublishedPort = p, PublishMode = "host" }).ToList(),
            },
        };

        private static NodeListResponse Node(string id, string hostname, long cpus = 2 * Cpu, long memory = 4 * GiB, string availability = "active", string state = "ready") => new NodeListResponse
        {
            ID = id,
            Spec = new NodeUpdateParameters { Availability = availability, Role = "worker" },
            Description = new NodeDescription { Hostname = hostname, Resources = new SwarmResources { NanoCPUs = cpus, MemoryBytes = memory } },
            Status = new NodeStatus { State = state },
        };
    }
}
