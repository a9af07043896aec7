using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Docker.DotNet.Models;
using SwarmPS.Engine.Cluster;
using SwarmPS.Engine.Workloads;
using SwarmPS.Tests.Fakes;
using Xunit;
using TaskStatus = Docker.DotNet.Models.TaskStatus;

namespace SwarmPS.Tests
{
    /// <summary>Get-SwarmTask's mapping and listing, and New-SwarmContainer's wait, over an in-memory cluster.Swarm.</summary>
    public sealed class TaskListingTests : IDisposable
    {
        private const string Cluster = ThreeNodeCluster.Name;

        private readonly ThreeNodeCluster cluster = new ThreeNodeCluster();
        private readonly WorkloadService workloads = new WorkloadService();

        public void Dispose() => cluster.Dispose();

        [Fact]
        public void Map_APendingTask_HasNoNode_AndSaysWhyInPlainWords()
        {
            var since = new DateTime(2026, 5, 1, 12, 0, 0, DateTimeKind.Utc);
            var task = new TaskResponse
            {
                ID = "x7k2m9q4w1e8r5t3y6u0i2o4p",
                ServiceID = "svc1",
                Slot = 2,
                DesiredState = TaskState.Running,
                CreatedAt = since.AddSeconds(-1),
                Spec = new TaskSpec
                {
                    ContainerSpec = new ContainerSpec { Image = "swarmps/web:latest@sha256:0123abcd" },
                    Placement = new Placement { Constraints = new[] { "node.labels.storage==nvme" } },
                },
                Status = new TaskStatus { State = TaskState.Pending, Timestamp = since, Message = "pending task scheduling", Err = "no suitable node (scheduling constraints not satisfied on 3 nodes)" },
            };

            SwarmTask mapped = TaskMapper.Map(task, "web", null, Array.Empty<NodeListResponse>(), null, Cluster);

            Assert.Equal("web", mapped.Container);
            Assert.Equal("web.2", mapped.ToString());
            Assert.Equal(2, mapped.Slot);
            Assert.Equal("x7k2m9q4w1e8r5t3y6u0i2o4p", mapped.TaskId);
            Assert.Equal("svc1", mapped.ServiceId);
            Assert.Empty(mapped.Node);
            Assert.Empty(mapped.NodeId);
            Assert.Equal("running", mapped.DesiredState);
            Assert.Equal("pending", mapped.CurrentState);
            Assert.Equal(since, mapped.Since);
            Assert.True(mapped.Age > TimeSpan.Zero);
            Assert.Equal("no suitable node (scheduling constraints not satisfied on 3 nodes)", mapped.Error);
            Assert.Equal("no node matches storage==nvme", mapped.Reason);
            Assert.Equal("swarmps/web:latest", mapped.Image);
            Assert.Empty(mapped.ContainerId);
            Assert.Equal(Cluster, mapped.Cluster);
        }

        [Fact]
        public void Map_APlacedTask_NamesItsNode_AndRunningHasNoReason()
        {
            var nodes = new[] { new NodeListResponse { ID = "n2", Description = new NodeDescription { Hostname = "core-02" } } };
            var task = new TaskResponse
            {
                ID = "t1",
                Slot = 1,
                NodeID = "n2",
                DesiredState = TaskState.Running,
                Status = new TaskStatus { State = TaskState.Running, ContainerStatus = new ContainerStatus { ContainerID = "c1" } },
            };

            SwarmTask mapped = TaskMapper.Map(task, "db", null, nodes, null, Cluster);

            Assert.Equal("core-02", mapped.Node);
            Assert.Equal("n2", mapped.NodeId);
            Assert.Equal("c1", mapped.ContainerId);
            Assert.Equal("running", mapped.CurrentState);
            Assert.Empty(mapped.Reason);
            Assert.Empty(mapped.Error);
        }

        [Fact]
        public void Map_ATaskOnANodeThatHasLeft_ShowsTheNodeId_AndAGlobalTaskIsNamedByIt()
        {
            var task = new TaskResponse { ID = "t1", Slot = 0, NodeID = "gone1", DesiredState = TaskState.Shutdown, Status = new TaskStatus { State = TaskState.Shutdown } };

            SwarmTask mapped = TaskMapper.Map(task, "agent", null, Array.Empty<NodeListResponse>(), null, Cluster);

            Assert.Equal("gone1", mapped.Node);
            Assert.Equal("agent.gone1", mapped.ToString());
            Assert.Equal("shutdown", mapped.DesiredState);
        }

        [Fact]
        public void Order_PutsSlotsInOrder_NewestTaskFirst_AndLatestKeepsOnePerSlot()
        {
            var start = new DateTime(2026, 5, 1, 12, 0, 0, DateTimeKind.Utc);
            TaskResponse Task(string id, long slot, int minute) => new TaskResponse { ID = id, Slot = slot, CreatedAt = start.AddMinutes(minute) };
            var tasks = new[] { Task("2-old", 2, 0), Task("10-new", 10, 5), Task("1-old", 1, 0), Task("2-new", 2, 3), Task("1-mid", 1, 1), Task("1-new", 1, 4) };

            Assert.Equal(new[] { "1-new", "1-mid", "1-old", "2-new", "2-old", "10-new" }, TaskMapper.Order(tasks, latest: false).Select(t => t.ID));
            Assert.Equal(new[] { "1-new", "2-new", "10-new" }, TaskMapper.Order(tasks, latest: true).Select(t => t.ID));
        }

        [Fact]
        public async Task TasksAsync_ListsAPendingReplica_WithItsReason_InTwoApiCalls()
        {
            cluster.Swarm.AddService(ThreeNodeCluster.Service("db", "redis:7", "node.labels.storage==ssd"));
            cluster.Swarm.AddService(ThreeNodeCluster.Service("cache", "redis:7", "node.labels.storage==nvme"));
            ClusterContext context = await cluster.ResolveAsync();

            (IReadOnlyList<string> services, IReadOnlyList<SwarmTask> tasks) = await workloads.TasksAsync(context, name => name.StartsWith("c", StringComparison.Ordinal), latest: false, CancellationToken.None);

            Assert.Equal(new[] { "cache" }, services);
            SwarmTask task = Assert.Single(tasks);
            Assert.Equal("cache.1", task.ToString());
            Assert.Equal("pending", task.CurrentState);
            Assert.Empty(task.Node);
            Assert.Equal("no suitable node (scheduling constraints not satisfied on 3 nodes)", task.Error);
            Assert.Equal("no node matches storage==nvme", task.Reason);
            Assert.Equal(1, cluster.Manager.CountOf("ListServices"));
            Assert.Equal(1, cluster.Manager.CountOf("ListTasks"));
        }

        [Fact]
        public async Task TasksAsync_NamesTheNodesNotAvailable_WhenAllAreDrained()
        {
            foreach (FakeNode node in cluster.Swarm.Nodes)
            {
                node.Availability = "drain";
            }

            cluster.Swarm.AddService(ThreeNodeCluster.Service("db", "redis:7"));
            ClusterContext context = await cluster.ResolveAsync();

            SwarmTask task = Assert.Single((await workloads.TasksAsync(context, _ => true, latest: false, CancellationToken.None)).Tasks);

            Assert.Equal("no suitable node (3 nodes not available for new tasks)", task.Error);
            Assert.Equal("no node is available for new tasks: core-01 is drained, core-02 is drained, core-03 is drained", task.Reason);
        }

        [Fact]
        public async Task TasksAsync_KeepsEachSlotsHistoryNewestFirst_AndLatestShowsOnlyTheCurrentTask()
        {
            ServiceSpec spec = ThreeNodeCluster.Service("web", "nginx:alpine");
            spec.Mode = new ServiceMode { Replicated = new ReplicatedService { Replicas = 2 } };
            SwarmService web = cluster.Swarm.AddService(spec);
            cluster.Swarm.Restart(web.ID, 1, TaskState.Failed, "task: non-zero exit (1)");
            ClusterContext context = await cluster.ResolveAsync();

            IReadOnlyList<SwarmTask> all = (await workloads.TasksAsync(context, name => name == "web", latest: false, CancellationToken.None)).Tasks;
            IReadOnlyList<SwarmTask> latest = (await workloads.TasksAsync(context, name => name == "web", latest: true, CancellationToken.None)).Tasks;

            Assert.Equal(new[] { "web.1 running", "web.1 failed", "web.2 running" }, all.Select(t => $"{t} {t.CurrentState}"));
            SwarmTask failed = all[1];
            Assert.Equal("shutdown", failed.DesiredState);
            Assert.Equal("the container exited with code 1", failed.Reason);
            Assert.NotEmpty(failed.Node);
            Assert.Equal(new[] { "web.1 running", "web.2 running" }, latest.Select(t => $"{t} {t.CurrentState}"));
            Assert.All(latest, t => Assert.Empty(t.Reason));
        }

        [Fact]
        public async Task TasksAsync_ForNoMatchingService_ListsNoTasks()
        {
            cluster.Swarm.AddService(ThreeNodeCluster.Service("db", "redis:7"));
            ClusterContext context = await cluster.ResolveAsync();

            (IReadOnlyList<string> services, IReadOnlyList<SwarmTask> tasks) = await workloads.TasksAsync(context, name => name == "nothing-here", latest: false, CancellationToken.None);

            Assert.Empty(services);
            Assert.Empty(tasks);
            Assert.Equal(0, cluster.Manager.CountOf("ListTasks"));
        }

        [Fact]
        public async Task Create_WhenTheTaskStaysPending_GivesUpWithTheReason_AndShowsItAsProgress()
        {
            // A service made earlier whose constraint no node meets: the create finds it and waits for it.
            cluster.Swarm.AddService(ThreeNodeCluster.Service("web", "nginx:alpine", "node.labels.storage==nvme"));
            var reporter = new RecordingReporter();
            var request = new ContainerRequest { Name = "web", Image = "nginx:alpine", StartTimeout = TimeSpan.FromSeconds(1) };

            SwarmException failure = await Assert.ThrowsAsync<SwarmException>(async () => await workloads.CreateAsync(await cluster.ResolveAsync(), request, reporter, CancellationToken.None));

            Assert.Equal("ContainerStartTimeout", failure.ErrorId);
            Assert.Equal(SwarmErrorKind.OperationTimeout, failure.Kind);
            Assert.Equal("web", failure.Target);
            Assert.Contains("(last: pending: no node matches storage==nvme; swarm said: no suitable node (scheduling constraints not satisfied on 3 nodes))", failure.Message, StringComparison.Ordinal);
            Assert.Contains("Get-SwarmTask web", failure.Message, StringComparison.Ordinal);
            Assert.Contains("0 of 1 running; pending: no node matches storage==nvme", reporter.Progress);
        }

        [Fact]
        public async Task Create_WhenTheNodeRejectsTheTask_FailsWithTheReason_AndSwarmsText()
        {
            cluster.SsdWorker.Images.Add("nginx:alpine");
            cluster.Swarm.RejectTasksWith = "No such image: nginx:alpine";
            var request = new ContainerRequest { Name = "web", Image = "nginx:alpine", Constraints = ConstraintParser.ParseAll(new[] { "storage==ssd" }), StartTimeout = TimeSpan.FromSeconds(5) };

            SwarmException failure = await Assert.ThrowsAsync<SwarmException>(async () => await workloads.CreateAsync(await cluster.ResolveAsync(), request, NullReporter.Instance, CancellationToken.None));

            Assert.Equal("ContainerStartFailed", failure.ErrorId);
            Assert.Equal(SwarmErrorKind.InvalidOperation, failure.Kind);
            Assert.StartsWith("'web' did not start: image nginx:alpine is not on core-02 and could not be pulled; swarm said: No such image: nginx:alpine.", failure.Message, StringComparison.Ordinal);
        }

        /// <summary>Keeps the progress statuses the engine reports.</summary>
        private sealed class RecordingReporter : IOperationReporter
        {
            private readonly List<string> progress = new List<string>();

            public IReadOnlyList<string> Progress
            {
                get
                {
                    lock (progress)
                    {
                        return progress.ToList();
                    }
                }
            }

            public void Verbose(string message)
            {
            }

            public void Debug(string message)
            {
            }

            public void Warning(string message)
            {
            }

            void IOperationReporter.Progress(string status, int percent)
            {
                lock (progress)
                {
                    progress.Add(status);
                }
            }
        }
    }
}
