using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Docker.DotNet.Models;
using SwarmPS.Engine.Cluster;
using SwarmPS.Engine.Docker;
using SwarmPS.Engine.Workloads;
using SwarmPS.Tests.Fakes;
using Xunit;

namespace SwarmPS.Tests
{
    /// <summary>Get-SwarmContainer's listing and Get-SwarmContainerLog's reading over an in-memory swarm: what is asked of whom, and what comes out.</summary>
    public sealed class WorkloadReadTests : IDisposable
    {
        private const string Cluster = "demo";

        private readonly TemporaryDirectory state = new TemporaryDirectory();
        private readonly ClusterRepository repository;
        private readonly WorkloadService workloads = new WorkloadService();

        public WorkloadReadTests()
        {
            repository = new ClusterRepository(state.Path);
        }

        public void Dispose() => state.Dispose();

        [Fact]
        public async Task List_AsksTheManagerTheSameCalls_ForOneNodeAndForThree()
        {
            (IReadOnlyList<string> one, IReadOnlyList<SwarmContainer> oneListed) = await CallsToListAsync(nodes: 1);
            (IReadOnlyList<string> three, IReadOnlyList<SwarmContainer> threeListed) = await CallsToListAsync(nodes: 3);

            Assert.Equal(new[] { "core-01 ListServices", "core-01 ListTasks" }, one);
            Assert.Equal(one, three);

            // Every node has a task, and each is listed with its node's name and address.
            Assert.Equal(new[] { "core-01/web" }, oneListed.Select(c => c.ToString()));
            Assert.Equal(new[] { "core-01/web", "core-02/web", "core-03/web" }, threeListed.Select(c => c.ToString()));
            Assert.Equal(new[] { "10.0.0.1", "10.0.0.2", "10.0.0.3" }, threeListed.Select(c => c.Address));
        }

        [Fact]
        public async Task List_ShowsTheHealthOfHealthCheckedContainers_AskingOnlyTheNodesThatRunThem()
        {
            (FakeSwarm swarm, FakeDockerEngine[] hosts, FakeEngineSource engines) = Swarm(3);
            swarm.ContainerHealth = "unhealthy";
            ServiceSpec checkedSpec = Spec("api", "swarmps/busybox", replicas: 1, constraint: "node.hostname==core-02");
            checkedSpec.TaskTemplate!.ContainerSpec!.Healthcheck = new HealthcheckConfig { Test = new List<string> { "CMD-SHELL", "exit 1" } };
            swarm.AddService(checkedSpec);
            swarm.AddService(Spec("plain", "swarmps/busybox", replicas: 1, constraint: "node.hostname==core-03"));
            ClusterContext context = await ResolveAsync(engines);

            IReadOnlyList<SwarmContainer> listed = await workloads.ListAsync(context, false, false, NullReporter.Instance, CancellationToken.None);

            SwarmContainer api = Assert.Single(listed, c => c.Name == "api");
            Assert.Equal("unhealthy", api.Health);
            Assert.EndsWith("(unhealthy)", api.Status, StringComparison.Ordinal);
            Assert.Equal(string.Empty, Assert.Single(listed, c => c.Name == "plain").Health);
            Assert.Equal(1, hosts[1].CountOf("ListContainers"));
            Assert.Equal(0, hosts[2].CountOf("ListContainers"));
            Assert.Equal(0, hosts[0].CountOf("ListContainers"));
        }

        [Fact]
        public async Task List_WithIncludeStandalone_TakesTheHealthFromTheNodesItAsksAnyway()
        {
            (FakeSwarm swarm, FakeDockerEngine[] hosts, FakeEngineSource engines) = Swarm(2);
            ServiceSpec checkedSpec = Spec("api", "swarmps/busybox", replicas: 1, constraint: "node.hostname==core-02");
            checkedSpec.TaskTemplate!.ContainerSpec!.Healthcheck = new HealthcheckConfig { Test = new List<string> { "CMD-SHELL", "true" } };
            swarm.AddService(checkedSpec);
            ClusterContext context = await ResolveAsync(engines);

            IReadOnlyList<SwarmContainer> listed = await workloads.ListAsync(context, false, true, NullReporter.Instance, CancellationToken.None);

            Assert.Equal("healthy", Assert.Single(listed, c => c.Name == "api").Health);
            Assert.Equal(1, hosts[1].CountOf("ListContainers"));
            Assert.Equal(1, hosts[0].CountOf("ListContainers"));
        }

        [Fact]
        public async Task List_ReadsTheNodesAgain_OnlyForANodeThatJoinedAfterTheContext()
        {
            (FakeSwarm swarm, FakeDockerEngine[] hosts, FakeEngineSource engines) = Swarm(2);
            ClusterContext context = await ResolveAsync(engines);
            FakeDockerEngine late = swarm.AddHost("core-03", "10.0.0.3");
            swarm.Join(late, "worker");
            swarm.AddService(Spec("late", "swarmps/busybox", replicas: 1, constraint: "node.hostname==core-03"));

            IReadOnlyList<SwarmContainer> listed = await workloads.ListAsync(context, false, false, NullReporter.Instance, CancellationToken.None);

            // Once when the context was made, once more for the node it did not know; the next listing knows it.
            Assert.Equal("core-03", Assert.Single(listed, c => c.Name == "late").Node);
            Assert.Equal(2, hosts[0].CountOf("ListNodes"));
            await workloads.ListAsync(context, false, false, NullReporter.Instance, CancellationToken.None);
            Assert.Equal(2, hosts[0].CountOf("ListNodes"));
        }

        [Fact]
        public async Task List_WithIncludeStandalone_AddsOnlyTheContainersOutsideTheSwarm_FromEveryMember()
        {
            (FakeSwarm swarm, FakeDockerEngine[] hosts, FakeEngineSource engines) = Swarm(3);
            swarm.AddService(Spec("web", "swarmps/busybox", replicas: 3));
            hosts[1].StandaloneContainers.Add(new ContainerListResponse
            {
                ID = "f0e1d2c3b4a5f0e1d2c3b4a5",
                Names = new List<string> { "/probe" },
                Image = "swarmps/busybox",
                Command = "sleep 600",
                State = "running",
                Status = "Up 2 minutes",
            });
            ClusterContext context = await ResolveAsync(engines);

            IReadOnlyList<SwarmContainer> plain = await workloads.ListAsync(context, false, false, NullReporter.Instance, CancellationToken.None);
            Assert.DoesNotContain(plain, c => c.Name == "probe");
            Assert.All(hosts.Skip(1), h => Assert.Empty(h.Calls));

            IReadOnlyList<SwarmContainer> listed = await workloads.ListAsync(context, false, true, NullReporter.Instance, CancellationToken.None);

            SwarmContainer probe = Assert.Single(listed, c => c.Name == "probe");
            Assert.Equal("core-02/probe", probe.ToString());
            Assert.Empty(probe.ServiceId);
            Assert.Equal("10.0.0.2", probe.Address);

            // The engines list the swarm's containers too; each task is still there once, from the manager.
            Assert.Equal(3, listed.Count(c => c.Name == "web"));
            Assert.Equal(listed.Where(c => c.Name == "web").Select(c => c.TaskId).Distinct().Count(), listed.Count(c => c.Name == "web"));
            Assert.All(hosts, h => Assert.Equal(1, h.CountOf("ListContainers")));
        }

        [Fact]
        public async Task List_WithoutAManager_AsksEveryMember_AndWarns()
        {
            (FakeSwarm swarm, FakeDockerEngine[] hosts, FakeEngineSource engines) = Swarm(3);
            swarm.AddService(Spec("web", "swarmps/busybox", replicas: 3));
            engines.TakeDown("core-01");
            ClusterContext context = await ResolveAsync(engines);
            var reporter = new RecordingReporter();

            IReadOnlyList<SwarmContainer> listed = await workloads.ListAsync(context, false, false, reporter, CancellationToken.None);

            Assert.Null(context.Manager);
            Assert.Equal(new[] { "core-02/web", "core-03/web" }, listed.Select(c => c.ToString()));
            Assert.Contains(reporter.Warnings, w => w.Contains("No manager of cluster 'demo' answers", StringComparison.Ordinal));
            Assert.Contains(reporter.Warnings, w => w.StartsWith("Skipping core-01", StringComparison.Ordinal));
        }

        [Fact]
        public async Task List_WithAll_AddsATaskThatHasNoContainer_WithItsReason()
        {
            (FakeSwarm swarm, _, FakeEngineSource engines) = Swarm(2);
            swarm.AddService(Spec("tape", "swarmps/busybox", replicas: 1, constraint: "node.labels.storage==tape"));
            ClusterContext context = await ResolveAsync(engines);

            Assert.Empty(await workloads.ListAsync(context, false, false, NullReporter.Instance, CancellationToken.None));
            SwarmContainer pending = Assert.Single(await workloads.ListAsync(context, true, false, NullReporter.Instance, CancellationToken.None));

            Assert.Equal("pending", pending.State);
            Assert.StartsWith("Pending: no suitable node", pending.Status, StringComparison.Ordinal);
            Assert.Empty(pending.Node);
            Assert.Empty(pending.ContainerId);
            Assert.Equal("tape", pending.ToString());
        }

        [Fact]
        public async Task Remove_WaitsOnTheManagersTasks_WithoutAskingTheNodes()
        {
            (FakeSwarm swarm, FakeDockerEngine[] hosts, FakeEngineSource engines) = Swarm(3);
            swarm.AddService(Spec("web", "swarmps/busybox", replicas: 3));
            ClusterContext context = await ResolveAsync(engines);
            SwarmContainer web = (await workloads.ListAsync(context, false, false, NullReporter.Instance, CancellationToken.None)).First();

            await workloads.RemoveAsync(context, web, NullReporter.Instance, CancellationToken.None);

            Assert.Empty(swarm.Services);
            Assert.Equal(1, hosts[0].CountOf("RemoveService"));
            Assert.All(hosts.Skip(1), h => Assert.Empty(h.Calls));
        }

        [Fact]
        public async Task Logs_OfAService_MergeEveryReplica_EachLineLedByItsNodeAndName_ThroughTheManagerOnly()
        {
            (FakeSwarm swarm, FakeDockerEngine[] hosts, FakeEngineSource engines) = Swarm(2);
            swarm.AddService(Spec("web", "swarmps/busybox", replicas: 2));
            WriteLogs(swarm, hosts, "web", slot => new[] { $"GET / from {slot}", $"done {slot}" });
            ClusterContext context = await ResolveAsync(engines);
            SwarmContainer web = (await workloads.ListAsync(context, false, false, NullReporter.Instance, CancellationToken.None)).First();
            int before = hosts[0].Calls.Count;

            List<string> lines = await ReadLogsAsync(context, web, everyReplica: true, new LogOptions());

            Assert.Equal(new[] { "core-01/web.1 | GET / from 1", "core-01/web.1 | done 1", "core-02/web.2 | GET / from 2", "core-02/web.2 | done 2" }, lines);
            Assert.Equal(new[] { "ListTasks", "StreamServiceLogs" }, hosts[0].Calls.Skip(before));
            Assert.Empty(hosts[1].Calls);
        }

        [Fact]
        public async Task Logs_OfOneTask_KeepOnlyItsLines_WithTailAndTimestamps()
        {
            (FakeSwarm swarm, FakeDockerEngine[] hosts, FakeEngineSource engines) = Swarm(2);
            swarm.AddService(Spec("web", "swarmps/busybox", replicas: 2));
            WriteLogs(swarm, hosts, "web", slot => new[] { $"one {slot}", $"two {slot}", $"three {slot}" });
            ClusterContext context = await ResolveAsync(engines);
            SwarmContainer second = (await workloads.ListAsync(context, false, false, NullReporter.Instance, CancellationToken.None)).Single(c => c.Node == "core-02");

            List<string> lines = await ReadLogsAsync(context, second, everyReplica: false, new LogOptions { Tail = 2, Timestamps = true });

            Assert.Equal(new[] { $"{FakeSwarm.LogTimestamp} core-02/web.2 | two 2", $"{FakeSwarm.LogTimestamp} core-02/web.2 | three 2" }, lines);
        }

        [Fact]
        public async Task Logs_OfAContainerOutsideTheSwarm_AreReadOnItsNode_LedByItsName()
        {
            (_, FakeDockerEngine[] hosts, FakeEngineSource engines) = Swarm(2);
            hosts[1].StandaloneContainers.Add(new ContainerListResponse { ID = "c0ffee", Names = new List<string> { "/probe" }, Image = "swarmps/busybox", State = "exited", Status = "Exited (0) 5 minutes ago" });
            hosts[1].Logs["c0ffee"] = new[] { "probing", "ok" };
            ClusterContext context = await ResolveAsync(engines);
            SwarmContainer probe = Assert.Single(await workloads.ListStandaloneAsync(context, true, NullReporter.Instance, CancellationToken.None));

            List<string> lines = await ReadLogsAsync(context, probe, everyReplica: false, new LogOptions { Timestamps = true });

            Assert.Equal(new[] { $"{FakeSwarm.LogTimestamp} core-02/probe | probing", $"{FakeSwarm.LogTimestamp} core-02/probe | ok" }, lines);
            Assert.Equal(1, hosts[1].CountOf("StreamContainerLogs"));
            Assert.Equal(0, hosts[0].CountOf("StreamServiceLogs"));
        }

        private async Task<(IReadOnlyList<string> Calls, IReadOnlyList<SwarmContainer> Listed)> CallsToListAsync(int nodes)
        {
            using var scratch = new TemporaryDirectory();
            var own = new ClusterRepository(scratch.Path);
            (FakeSwarm swarm, FakeDockerEngine[] hosts, FakeEngineSource engines) = Swarm(nodes, own);
            swarm.AddService(Spec("web", "swarmps/busybox", replicas: (ulong)nodes));
            ClusterContext context = await ClusterContext.ResolveAsync(own.Load(Cluster), own, engines, NullReporter.Instance, CancellationToken.None);
            int[] before = hosts.Select(h => h.Calls.Count).ToArray();
            int opened = engines.Opened.Count;

            IReadOnlyList<SwarmContainer> listed = await workloads.ListAsync(context, false, false, NullReporter.Instance, CancellationToken.None);

            Assert.Equal(opened, engines.Opened.Count);
            List<string> calls = hosts.SelectMany((h, i) => h.Calls.Skip(before[i]).Select(c => $"{h.Name} {c}")).OrderBy(c => c, StringComparer.Ordinal).ToList();
            return (calls, listed);
        }

        /// <summary>A swarm of <paramref name="count"/> nodes, core-01 (10.0.0.1) its manager, saved as cluster demo.</summary>
        private (FakeSwarm Swarm, FakeDockerEngine[] Hosts, FakeEngineSource Engines) Swarm(int count, ClusterRepository? into = null)
        {
            var swarm = new FakeSwarm();
            FakeDockerEngine[] hosts = Enumerable.Range(1, count).Select(i => swarm.AddHost($"core-0{i}", $"10.0.0.{i}")).ToArray();
            swarm.Initialise(hosts[0]);
            foreach (FakeDockerEngine worker in hosts.Skip(1))
            {
                swarm.Join(worker, "worker");
            }

            (into ?? repository).Save(swarm.RecordOf(Cluster, hosts));
            return (swarm, hosts, new FakeEngineSource(hosts));
        }

        private static ServiceSpec Spec(string name, string image, ulong replicas, string? constraint = null) => new ServiceSpec
        {
            Name = name,
            TaskTemplate = new TaskSpec
            {
                ContainerSpec = new ContainerSpec { Image = image, Args = new List<string> { "sleep", "3600" } },
                Placement = new Placement { Constraints = constraint == null ? new List<string>() : new List<string> { constraint } },
            },
            Mode = new ServiceMode { Replicated = new ReplicatedService { Replicas = replicas } },
        };

        /// <summary>Gives each task's container its log, on the engine of the node it runs on.</summary>
        private static void WriteLogs(FakeSwarm swarm, FakeDockerEngine[] hosts, string service, Func<long, IReadOnlyList<string>> linesOfSlot)
        {
            FakeDockerEngine manager = hosts[0];
            string serviceId = swarm.Services.Single(s => s.Spec?.Name == service).ID;
            foreach (TaskResponse task in manager.ListTasksAsync(serviceId, false, CancellationToken.None).GetAwaiter().GetResult())
            {
                FakeNode node = swarm.Nodes.Single(n => n.Id == task.NodeID);
                node.Engine.Logs[task.Status!.ContainerStatus!.ContainerID] = linesOfSlot(task.Slot ?? 0);
            }
        }

        private async Task<List<string>> ReadLogsAsync(ClusterContext context, SwarmContainer container, bool everyReplica, LogOptions options)
        {
            var lines = new List<string>();
            await workloads.StreamLogsAsync(context, container, everyReplica, options, lines.Add, NullReporter.Instance, CancellationToken.None);
            return lines;
        }

        private Task<ClusterContext> ResolveAsync(FakeEngineSource engines) =>
            ClusterContext.ResolveAsync(repository.Load(Cluster), repository, engines, NullReporter.Instance, CancellationToken.None);

        private sealed class RecordingReporter : IOperationReporter
        {
            private readonly List<string> warnings = new List<string>();

            public IReadOnlyList<string> Warnings
            {
                get
                {
                    lock (warnings)
                    {
                        return warnings.ToList();
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
                lock (warnings)
                {
                    warnings.Add(message);
                }
            }

            public void Progress(string status, int percent)
            {
            }
        }
    }
}
