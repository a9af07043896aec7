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

namespace SwarmPS.Tests
{
    /// <summary>Set- and Restart-SwarmContainer's planning and following of updates, over an in-memory swarm.</summary>
    public sealed class ContainerUpdateTests : IDisposable
    {
        private const string Cluster = "demo";
        private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

        private readonly TemporaryDirectory state = new TemporaryDirectory();
        private readonly ClusterRepository repository;
        private readonly FakeSwarm swarm = new FakeSwarm("swarm-a");
        private readonly FakeDockerEngine manager;
        private readonly FakeDockerEngine worker;
        private readonly FakeEngineSource engines;
        private readonly ContainerUpdater updater = new ContainerUpdater();

        public ContainerUpdateTests()
        {
            repository = new ClusterRepository(state.Path);
            manager = swarm.AddHost("core-01", "10.0.0.1");
            worker = swarm.AddHost("core-02", "10.0.0.2");
            swarm.Initialise(manager);
            swarm.Join(worker, "worker");
            repository.Save(swarm.RecordOf(Cluster, manager, worker));
            engines = new FakeEngineSource(manager, worker);
            foreach (FakeDockerEngine engine in new[] { manager, worker })
            {
                engine.Images.Add("swarmps/web:v1");
                engine.Images.Add("swarmps/web:v2");
            }

            swarm.AddService(new ServiceSpec
            {
                Name = "web",
                Mode = new ServiceMode { Replicated = new ReplicatedService { Replicas = 1 } },
                TaskTemplate = new TaskSpec { ContainerSpec = new ContainerSpec { Image = "swarmps/web:v1" }, Placement = new Placement() },
            });
        }

        public void Dispose() => state.Dispose();

        [Fact]
        public async Task TheSameSettingsAgain_ChangeNothing_AndSendNoUpdate()
        {
            ClusterContext context = await ResolveAsync();
            ContainerChangePlan plan = await updater.PlanUpdateAsync(context, "web", new ContainerSettings { Replicas = 1, Image = "swarmps/web:v1" }, NullReporter.Instance, CancellationToken.None);

            IReadOnlyList<SwarmContainer> containers = await updater.ApplyAsync(context, plan, noWait: false, Timeout, NullReporter.Instance, CancellationToken.None);

            Assert.False(plan.NeedsChange);
            Assert.Equal(0, manager.CountOf("UpdateService"));
            SwarmContainer container = Assert.Single(containers);
            Assert.False(container.Changed);
        }

        [Fact]
        public async Task Scaling_SendsOneUpdate_AndReturnsEveryReplica()
        {
            ClusterContext context = await ResolveAsync();
            ContainerChangePlan plan = await updater.PlanUpdateAsync(context, "web", new ContainerSettings { Replicas = 3 }, NullReporter.Instance, CancellationToken.None);

            IReadOnlyList<SwarmContainer> containers = await updater.ApplyAsync(context, plan, noWait: false, Timeout, NullReporter.Instance, CancellationToken.None);

            Assert.Equal("Change 'web': Replicas: 1 -> 3", plan.Describe());
            Assert.Equal(1, manager.CountOf("UpdateService"));
            Assert.Equal(3, containers.Count);
            Assert.All(containers, c => Assert.True(c.Changed));
            Assert.Equal(3UL, swarm.UpdatedSpecs.Single().Mode!.Replicated!.Replicas);
        }

        [Fact]
        public async Task ScalingDown_WaitsUntilSwarmStopsTheExtraReplicas_AndReturnsOnlyThoseKept()
        {
            ClusterContext context = await ResolveAsync();
            ContainerChangePlan up = await updater.PlanUpdateAsync(context, "web", new ContainerSettings { Replicas = 3 }, NullReporter.Instance, CancellationToken.None);
            await updater.ApplyAsync(context, up, noWait: false, Timeout, NullReporter.Instance, CancellationToken.None);

            // A busy orchestrator: the first listings after the update still show three replicas desired running.
            swarm.OrchestratorLagListings = 2;
            ContainerChangePlan down = await updater.PlanUpdateAsync(context, "web", new ContainerSettings { Replicas = 1 }, NullReporter.Instance, CancellationToken.None);
            IReadOnlyList<SwarmContainer> containers = await updater.ApplyAsync(context, down, noWait: false, Timeout, NullReporter.Instance, CancellationToken.None);

            Assert.Single(containers);
        }

        [Fact]
        public async Task AnImageUpdate_IsFollowedUntilSwarmSaysCompleted()
        {
            ClusterContext context = await ResolveAsync();
            ContainerChangePlan plan = await updater.PlanUpdateAsync(context, "web", new ContainerSettings { Image = "swarmps/web:v2", UpdateOrder = "start-first" }, NullReporter.Instance, CancellationToken.None);

            IReadOnlyList<SwarmContainer> containers = await updater.ApplyAsync(context, plan, noWait: false, Timeout, NullReporter.Instance, CancellationToken.None);

            Assert.StartsWith("Change 'web' (rolling, 1 at a time, start-first, on failure pause): Image: swarmps/web:v1 -> swarmps/web:v2", plan.Describe(), StringComparison.Ordinal);
            Assert.True(manager.CountOf("InspectService") >= 1);
            Assert.Equal("swarmps/web:v2", Assert.Single(containers).Image);
        }

        [Fact]
        public async Task AnImageNoEligibleNodeHas_FailsBeforeAnyUpdate()
        {
            ClusterContext context = await ResolveAsync();

            SwarmException failure = await Assert.ThrowsAsync<SwarmException>(() =>
                updater.PlanUpdateAsync(context, "web", new ContainerSettings { Image = "swarmps/web:v3" }, NullReporter.Instance, CancellationToken.None));

            Assert.Equal("ImageNotFound", failure.ErrorId);
            Assert.Equal("web", failure.Target);
            Assert.Equal(0, manager.CountOf("UpdateService"));
        }

        [Fact]
        public async Task AnUpdateThePolicyRolledBack_EndsInUpdateRolledBack_NamingTheTaskError()
        {
            swarm.UpdateOutcome = "rollback_completed";
            ClusterContext context = await ResolveAsync();
            ContainerChangePlan plan = await updater.PlanUpdateAsync(context, "web", new ContainerSettings { Image = "swarmps/web:v2", UpdateFailureAction = "rollback" }, NullReporter.Instance, CancellationToken.None);

            SwarmException failure = await Assert.ThrowsAsync<SwarmException>(() => updater.ApplyAsync(context, plan, noWait: false, Timeout, NullReporter.Instance, CancellationToken.None));

            Assert.Equal("UpdateRolledBack", failure.ErrorId);
            Assert.Equal("web", failure.Target);
            Assert.Contains("unhealthy container", failure.Message, StringComparison.Ordinal);
        }

        [Fact]
        public async Task APausedUpdate_EndsInUpdateFailed_SayingHowToGoBack()
        {
            swarm.UpdateOutcome = "paused";
            ClusterContext context = await ResolveAsync();
            ContainerChangePlan plan = await updater.PlanUpdateAsync(context, "web", new ContainerSettings { Image = "swarmps/web:v2" }, NullReporter.Instance, CancellationToken.None);

            SwarmException failure = await Assert.ThrowsAsync<SwarmException>(() => updater.ApplyAsync(context, plan, noWait: false, Timeout, NullReporter.Instance, CancellationToken.None));

            Assert.Equal("UpdateFailed", failure.ErrorId);
            Assert.Contains("-Rollback", failure.Message, StringComparison.Ordinal);
        }

        [Fact]
        public async Task AChangeWhileAnUpdateRuns_IsRefused_WithoutSendingIt()
        {
            swarm.Services.Single().UpdateStatus = new UpdateStatus { State = "updating", Message = "update in progress", StartedAt = DateTime.UtcNow };
            ClusterContext context = await ResolveAsync();
            ContainerChangePlan plan = await updater.PlanUpdateAsync(context, "web", new ContainerSettings { Replicas = 2 }, NullReporter.Instance, CancellationToken.None);

            SwarmException failure = await Assert.ThrowsAsync<SwarmException>(() => updater.ApplyAsync(context, plan, noWait: false, Timeout, NullReporter.Instance, CancellationToken.None));

            Assert.Equal("UpdateInProgress", failure.ErrorId);
            Assert.Equal(0, manager.CountOf("UpdateService"));
        }

        [Fact]
        public async Task ARollback_WithoutAnEarlierChange_IsNoPreviousSpec_AndAfterOne_GoesBack()
        {
            ClusterContext context = await ResolveAsync();
            SwarmException failure = await Assert.ThrowsAsync<SwarmException>(() => updater.PlanRollbackAsync(context, "web", CancellationToken.None));
            Assert.Equal("NoPreviousSpec", failure.ErrorId);

            ContainerChangePlan change = await updater.PlanUpdateAsync(context, "web", new ContainerSettings { Image = "swarmps/web:v2" }, NullReporter.Instance, CancellationToken.None);
            await updater.ApplyAsync(context, change, noWait: false, Timeout, NullReporter.Instance, CancellationToken.None);
            ContainerChangePlan rollback = await updater.PlanRollbackAsync(context, "web", CancellationToken.None);
            IReadOnlyList<SwarmContainer> back = await updater.ApplyAsync(context, rollback, noWait: false, Timeout, NullReporter.Instance, CancellationToken.None);

            Assert.Equal("Roll 'web' back to its previous settings: Image: swarmps/web:v2 -> swarmps/web:v1", rollback.Describe());
            Assert.Equal("swarmps/web:v1", Assert.Single(back).Image);
            Assert.Equal("swarmps/web:v1", swarm.Services.Single().Spec!.TaskTemplate!.ContainerSpec!.Image);
        }

        [Fact]
        public async Task ARestart_KeepsTheSpec_AndBumpsForceUpdate()
        {
            ClusterContext context = await ResolveAsync();
            ContainerChangePlan plan = await updater.PlanRestartAsync(context, "web", CancellationToken.None);

            await updater.ApplyAsync(context, plan, noWait: false, Timeout, NullReporter.Instance, CancellationToken.None);

            ServiceSpec sent = swarm.UpdatedSpecs.Single();
            Assert.Equal(1UL, sent.TaskTemplate!.ForceUpdate);
            Assert.Equal("swarmps/web:v1", sent.TaskTemplate.ContainerSpec!.Image);
            Assert.Empty(plan.Changes);
        }

        [Fact]
        public async Task AnUnknownName_IsContainerNotFound()
        {
            ClusterContext context = await ResolveAsync();

            SwarmException failure = await Assert.ThrowsAsync<SwarmException>(() => updater.PlanRestartAsync(context, "nothing", CancellationToken.None));

            Assert.Equal("ContainerNotFound", failure.ErrorId);
            Assert.Equal(SwarmErrorKind.ObjectNotFound, failure.Kind);
        }

        [Fact]
        public void AReservationNoNodeCanHold_IsInsufficientResources_NamingEachNodesFreeResources()
        {
            var small = Node("n1", "core-01", cpus: 2, memory: 1L << 30);
            var large = Node("n2", "core-02", cpus: 4, memory: 8L << 30);
            var tasks = new[]
            {
                new TaskResponse { NodeID = "n1", DesiredState = TaskState.Running, Spec = new TaskSpec { Resources = new ResourceRequirements { Reservations = new SwarmResources { NanoCPUs = 1_500_000_000, MemoryBytes = 512L << 20 } } } },
                new TaskResponse { NodeID = "n2", DesiredState = TaskState.Shutdown, Spec = new TaskSpec { Resources = new ResourceRequirements { Reservations = new SwarmResources { NanoCPUs = 4_000_000_000 } } } },
            };

            SwarmException failure = Assert.Throws<SwarmException>(() => ResourceFit.Require("db", new ContainerSettings { ReserveCpu = 6 }, new[] { small, large }, tasks));
            ResourceFit.Require("db", new ContainerSettings { ReserveCpu = 4, ReserveMemory = 8L << 30 }, new[] { small, large }, tasks);

            Assert.Equal("InsufficientResources", failure.ErrorId);
            Assert.Equal(SwarmErrorKind.ResourceUnavailable, failure.Kind);
            Assert.Contains("core-01: 0.5 CPUs and 512 MiB free", failure.Message, StringComparison.Ordinal);
            Assert.Contains("core-02: 4 CPUs and 8 GiB free", failure.Message, StringComparison.Ordinal);
            Assert.Throws<SwarmException>(() => ResourceFit.Require("db", new ContainerSettings { ReserveCpu = 0.5, ReserveMemory = 9L << 30 }, new[] { small, large }, tasks));
        }

        private static NodeListResponse Node(string id, string hostname, double cpus, long memory) => new NodeListResponse
        {
            ID = id,
            Description = new NodeDescription { Hostname = hostname, Resources = new SwarmResources { NanoCPUs = (long)(cpus * 1e9), MemoryBytes = memory } },
        };

        private Task<ClusterContext> ResolveAsync() =>
            ClusterContext.ResolveAsync(repository.Load(Cluster), repository, engines, NullReporter.Instance, CancellationToken.None);
    }
}
