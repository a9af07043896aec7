using System.Collections.Generic;
using Docker.DotNet.Models;
using SwarmPS.Engine.Cluster;
using Xunit;

namespace SwarmPS.Tests
{
    public sealed class NodeMapperTests
    {
        [Fact]
        public void Map_MergesLabels_NodeLabelsWinAClash()
        {
            SwarmNode node = NodeMapper.Map(Node("n1", engineLabels: new() { ["storage"] = "disk", ["rack"] = "r1" }, nodeLabels: new() { ["storage"] = "ssd" }), new List<TaskResponse>(), "demo");
            Assert.Equal("ssd", node.Labels["storage"]);
            Assert.Equal("r1", node.Labels["rack"]);
            Assert.Equal("disk", node.EngineLabels["storage"]);
            Assert.Equal("ssd", node.NodeLabels["storage"]);
        }

        [Fact]
        public void Map_CountsOnlyRunningTasksOfThisNode_AndSumsTheirReservations()
        {
            var tasks = new List<TaskResponse>
            {
                Task("n1", TaskState.Running, 500_000_000, 64 * 1024 * 1024),
                Task("n1", TaskState.Running, 250_000_000, 0),
                Task("n1", TaskState.Pending, 1_000_000_000, 1024),
                Task("n2", TaskState.Running, 1_000_000_000, 1024),
            };
            SwarmNode node = NodeMapper.Map(Node("n1"), tasks, "demo");
            Assert.Equal(2, node.Containers);
            Assert.Equal(0.75, node.ReservedCpus, 3);
            Assert.Equal(64L * 1024 * 1024, node.ReservedMemory);
        }

        [Fact]
        public void Map_ReadsResourcesAndRoles()
        {
            SwarmNode node = NodeMapper.Map(Node("n1", role: "manager", leader: true), new List<TaskResponse>(), "demo", changed: true);
            Assert.Equal(2.0, node.CPUs);
            Assert.Equal(4L << 30, node.Memory);
            Assert.Equal("manager", node.Role);
            Assert.Equal("Leader", node.ManagerStatus);
            Assert.Equal("10.0.0.5", node.Address);
            Assert.Equal("demo", node.Cluster);
            Assert.True(node.Changed);
        }

        [Theory]
        [InlineData(null, null, "")]
        [InlineData(true, "reachable", "Leader")]
        [InlineData(false, "reachable", "Reachable")]
        [InlineData(false, "unreachable", "Unreachable")]
        public void ManagerStatus_IsShownAsDockerNodeLsShowsIt(bool? leader, string? reachability, string expected)
        {
            ManagerStatus? status = leader == null ? null : new ManagerStatus { Leader = leader, Reachability = reachability };
            Assert.Equal(expected, NodeMapper.ManagerStatusOf(status));
        }

        [Theory]
        [InlineData("10.0.0.5", null, "10.0.0.5")]
        [InlineData("0.0.0.0", "10.0.0.7:2377", "10.0.0.7")]
        [InlineData(null, "10.0.0.8:2377", "10.0.0.8")]
        [InlineData("fe80::1", null, "fe80::1")]
        public void AddressOf_DropsTheRaftPortButNotIPv6(string? statusAddr, string? managerAddr, string expected)
        {
            var node = new NodeListResponse { Status = new NodeStatus { Addr = statusAddr }, ManagerStatus = managerAddr == null ? null : new ManagerStatus { Addr = managerAddr } };
            Assert.Equal(expected, NodeMapper.AddressOf(node));
        }

        [Fact]
        public void NodeChange_AppliesOnlyWhatDiffers()
        {
            var spec = new NodeUpdateParameters { Role = "worker", Availability = "active", Labels = new Dictionary<string, string> { ["zone"] = "a" } };
            Assert.False(new NodeChange(new Dictionary<string, string> { ["zone"] = "a" }, availability: "Active").ApplyTo(spec));
            Assert.True(new NodeChange(removeLabels: new[] { "zone" }, role: "Manager").ApplyTo(spec));
            Assert.Empty(spec.Labels);
            Assert.Equal("manager", spec.Role);
            Assert.False(new NodeChange(removeLabels: new[] { "zone" }).ApplyTo(spec));
        }

        private static NodeListResponse Node(string id, string role = "worker", bool leader = false, Dictionary<string, string>? engineLabels = null, Dictionary<string, string>? nodeLabels = null) => new NodeListResponse
        {
            ID = id,
            Spec = new NodeUpdateParameters { Role = role, Availability = "active", Labels = nodeLabels ?? new Dictionary<string, string>() },
            Description = new NodeDescription
            {
                Hostname = "core-01",
                Resources = new SwarmResources { NanoCPUs = 2_000_000_000, MemoryBytes = 4L << 30 },
                Engine = new EngineDescription { EngineVersion = "20.10.24", Labels = engineLabels ?? new Dictionary<string, string>() },
            },
            Status = new NodeStatus { State = "ready", Addr = "10.0.0.5" },
            ManagerStatus = role == "manager" ? new ManagerStatus { Leader = leader, Reachability = "reachable", Addr = "10.0.0.5:2377" } : null,
        };

        private static TaskResponse Task(string nodeId, TaskState state, long nanoCpus, long memory) => new TaskResponse
        {
            NodeID = nodeId,
            Status = new TaskStatus { State = state },
            Spec = new TaskSpec { Resources = new ResourceRequirements { Reservations = new SwarmResources { NanoCPUs = nanoCpus, MemoryBytes = memory } } },
        };
    }
}
