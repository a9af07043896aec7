using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Docker.DotNet.Models;
using SwarmPS.Engine.Cluster;
using SwarmPS.Engine.Stacks;
using SwarmPS.Engine.Workloads;
using SwarmPS.Tests.Fakes;
using Xunit;

namespace SwarmPS.Tests
{
    /// <summary>
    /// -Mode, -PlacementPreference and -MaxReplicasPerNode: parsing, the spec sent, the checks before anything is
    /// created or changed, and waiting for a global service, over an in-memory three-node swarm (core-01 manager,
    /// core-02 storage=ssd, core-03 storage=hdd).
    /// </summary>
    public sealed class PlacementTests : IDisposable
    {
        private const string Image = "nginx:alpine";

        private readonly ThreeNodeCluster cluster = new ThreeNodeCluster();
        private readonly WorkloadService workloads = new WorkloadService();
        private readonly ContainerUpdater updater = new ContainerUpdater();

        public PlacementTests()
        {
            foreach (FakeDockerEngine engine in new[] { cluster.Manager, cluster.SsdWorker, cluster.PlainWorker })
            {
                engine.Images.Add(Image);
            }
        }

        public void Dispose() => cluster.Dispose();

        [Theory]
        [InlineData("spread=node.labels.zone", "node.labels.zone")]
        [InlineData("spread=engine.labels.rack", "engine.labels.rack")]
        [InlineData("  spread = node.labels.datacenter ", "node.labels.datacenter")]
        [InlineData("spread=Node.Labels.zone", "Node.Labels.zone")]
        public void Parse_TakesTheCliSyntax_AndGivesTheDescriptor(string text, string descriptor) =>
            Assert.Equal(descriptor, PlacementPreferences.Parse(text));

        [Theory]
        [InlineData("node.labels.zone")]
        [InlineData("=node.labels.zone")]
        [InlineData("pack=node.labels.zone")]
        [InlineData("Spread=node.labels.zone")]
        [InlineData("spread=")]
        [InlineData("spread=node.labels.")]
        [InlineData("spread=node.hostname")]
        [InlineData("spread=node.id")]
        [InlineData("spread=zone")]
        [InlineData("spread=node.labels.my zone")]
        [InlineData("")]
        public void Parse_RefusesWhatSwarmWouldIgnore_WithPlacementPreferenceInvalid(string text)
        {
            SwarmException failure = Assert.Throws<SwarmException>(() => PlacementPreferences.Parse(text));
            Assert.Equal("PlacementPreferenceInvalid", failure.ErrorId);
            Assert.Equal(SwarmErrorKind.InvalidArgument, failure.Kind);
            Assert.Contains("spread=node.labels.zone", failure.Message, StringComparison.Ordinal);
        }

        [Fact]
        public void AComposePreferenceIsCheckedByTheSameRules_WithItsPosition()
        {
            using var dir = new TemporaryDirectory();
            string file = Path.Combine(dir.Path, "compose.yml");
            File.WriteAllText(file, "services:\n  web:\n    image: a\n    deploy:\n      placement:\n        preferences:\n          - spread: node.hostname\n");

            SwarmException failure = Assert.Throws<SwarmException>(() => StackMapper.Map("app", ComposeReader.Load(new[] { file }, new Dictionary<string, string>(), null)));

            Assert.Equal("PlacementPreferenceInvalid", failure.ErrorId);
            Assert.Contains("compose.yml:7:", failure.Message, StringComparison.Ordinal);
        }

        [Fact]
        public void TheSpec_CarriesGlobalMode_WithoutAReplicaCount()
        {
            ServiceSpec spec = WorkloadService.BuildSpec(Request("agent", global: true), Array.Empty<PortSpec>(), Array.Empty<SecretReference>());

            Assert.NotNull(spec.Mode!.Global);
            Assert.Null(spec.Mode.Replicated);
            Assert.Equal("global", ServiceSpecEditor.Describe(spec).Single(f => f.Key == "Replicas").Value);
        }

        [Fact]
        public void TheSpec_CarriesThePreferencesInOrder_AndTheCapPerNode()
        {
            ContainerRequest request = Request("web", replicas: 3, preferences: new[] { "spread=node.labels.zone", "spread=node.labels.rack" }, maxPerNode: 2);

            ServiceSpec spec = WorkloadService.BuildSpec(request, Array.Empty<PortSpec>(), Array.Empty<SecretReference>());

            Assert.Equal(3UL, spec.Mode!.Replicated!.Replicas);
            Assert.Equal(new[] { "node.labels.zone", "node.labels.rack" }, spec.TaskTemplate!.Placement!.Preferences!.Select(p => p.Spread!.SpreadDescriptor));
            Assert.Equal(2UL, spec.TaskTemplate.Placement.MaxReplicas);
            var fields = ServiceSpecEditor.Describe(spec).ToDictionary(f => f.Key, f => f.Value);
            Assert.Equal("spread=node.labels.zone, spread=node.labels.rack", fields["PlacementPreferences"]);
            Assert.Equal("2", fields["MaxReplicasPerNode"]);
        }

        [Fact]
        public async Task Global_RunsOneContainerOnEveryNode_AndWaitsForAllOfThem()
        {
            IReadOnlyList<SwarmContainer> containers = await workloads.CreateAsync(await cluster.ResolveAsync(), Request("agent", global: true), NullReporter.Instance, CancellationToken.None);

            Assert.Equal(new[] { "core-01", "core-02", "core-03" }, containers.Select(c => c.Node).OrderBy(n => n, StringComparer.Ordinal));
            Assert.All(containers, c => Assert.Equal("global", c.Mode));
            Assert.All(containers, c => Assert.True(c.Changed));
            Assert.NotNull(Assert.Single(cluster.Swarm.CreatedSpecs).Mode!.Global);
        }

        [Fact]
        public async Task Global_WithAConstraint_RunsOnTheNodesThatMeetIt()
        {
            IReadOnlyList<SwarmContainer> containers = await workloads.CreateAsync(await cluster.ResolveAsync(), Request("agent", global: true, constraints: new[] { "node.role==worker" }), NullReporter.Instance, CancellationToken.None);

            Assert.Equal(new[] { "core-02", "core-03" }, containers.Select(c => c.Node).OrderBy(n => n, StringComparer.Ordinal));
        }

        [Fact]
        public async Task Global_IsListedWithItsMode_AndTheExpectedCountLeavesOutADrainedNode()
        {
            ClusterContext context = await cluster.ResolveAsync();
            await workloads.CreateAsync(context, Request("agent", global: true), NullReporter.Instance, CancellationToken.None);

            IReadOnlyList<SwarmContainer> listed = await workloads.ListAsync(context, all: false, includeStandalone: false, NullReporter.Instance, CancellationToken.None);
            Assert.Equal(3, listed.Count(c => c.Name == "agent" && c.Mode == "global"));

            ServiceSpec spec = cluster.Swarm.Services.Single().Spec!;
            Assert.Equal(3UL, ServicePlacement.ExpectedTasks(spec, context.Nodes));
            NodeListResponse drained = context.Nodes.Single(n => n.Description!.Hostname == "core-03");
            drained.Spec!.Availability = "drain";
            Assert.Equal(2UL, ServicePlacement.ExpectedTasks(spec, context.Nodes));
        }

        [Fact]
        public async Task Global_WithMaxReplicasPerNode_IsRefused_AndNothingIsCreated()
        {
            ContainerRequest request = Request("agent", global: true, maxPerNode: 1);

            SwarmException failure = await Assert.ThrowsAsync<SwarmException>(async () => await workloads.CreateAsync(await cluster.ResolveAsync(), request, NullReporter.Instance, CancellationToken.None));

            Assert.Equal("MaxReplicasWithGlobalMode", failure.ErrorId);
            Assert.Equal(SwarmErrorKind.InvalidArgument, failure.Kind);
            Assert.Empty(cluster.Swarm.CreatedSpecs);
        }

        [Fact]
        public async Task OnePerNode_WithAsManyReplicasAsNodes_LandsOnThreeDistinctNodes()
        {
            IReadOnlyList<SwarmContainer> containers = await workloads.CreateAsync(await cluster.ResolveAsync(), Request("web", replicas: 3, maxPerNode: 1), NullReporter.Instance, CancellationToken.None);

            Assert.Equal(3, containers.Select(c => c.Node).Distinct().Count());
            Assert.All(containers, c => Assert.Equal(1UL, c.MaxReplicasPerNode));
            Assert.All(containers, c => Assert.Equal("replicated", c.Mode));
            Assert.Equal(1UL, cluster.Swarm.CreatedSpecs.Single().TaskTemplate!.Placement!.MaxReplicas);
        }

        [Fact]
        public async Task MoreReplicasThanNodesTimesTheCap_FailsWithNotEnoughNodes_NamingTheEligibleNodes_AndCreatesNothing()
        {
            ContainerRequest request = Request("web", replicas: 3, maxPerNode: 1, constraints: new[] { "node.role==worker" }) with { NoWait = true };

            SwarmException failure = await Assert.ThrowsAsync<SwarmException>(async () => await workloads.CreateAsync(await cluster.ResolveAsync(), request, NullReporter.Instance, CancellationToken.None));

            Assert.Equal("NotEnoughNodes", failure.ErrorId);
            Assert.Equal(SwarmErrorKind.ResourceUnavailable, failure.Kind);
            Assert.Equal("web", failure.Target);
            Assert.Contains("(core-02, core-03)", failure.Message, StringComparison.Ordinal);
            Assert.Contains("room for 2", failure.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("core-01", failure.Message, StringComparison.Ordinal);
            Assert.Equal(0, cluster.Manager.CountOf("CreateService"));
        }

        [Fact]
        public async Task ASpreadOverALabelNoNodeHas_IsCreated_WithAWarning()
        {
            var reporter = new RecordingReporter();

            await workloads.CreateAsync(await cluster.ResolveAsync(), Request("web", replicas: 2, preferences: new[] { "spread=node.labels.zone" }), reporter, CancellationToken.None);

            Assert.Contains(reporter.Warnings, w => w.Contains("spread=node.labels.zone", StringComparison.Ordinal));
            Assert.Single(cluster.Swarm.CreatedSpecs);
        }

        [Fact]
        public async Task ASpreadOverALabelTheNodesHave_GivesNoWarning()
        {
            var reporter = new RecordingReporter();

            await workloads.CreateAsync(await cluster.ResolveAsync(), Request("web", replicas: 2, preferences: new[] { "spread=node.labels.storage" }), reporter, CancellationToken.None);

            Assert.DoesNotContain(reporter.Warnings, w => w.Contains("spread=", StringComparison.Ordinal));
        }

        [Fact]
        public async Task NewAgainWithTheOtherMode_FailsWithModeCannotChange()
        {
            ClusterContext context = await cluster.ResolveAsync();
            await workloads.CreateAsync(context, Request("agent", global: true), NullReporter.Instance, CancellationToken.None);

            SwarmException failure = await Assert.ThrowsAsync<SwarmException>(async () => await workloads.CreateAsync(context, Request("agent", global: false), NullReporter.Instance, CancellationToken.None));

            Assert.Equal("ModeCannotChange", failure.ErrorId);
            Assert.Equal(SwarmErrorKind.InvalidOperation, failure.Kind);
            Assert.Contains("Remove-SwarmContainer agent", failure.Message, StringComparison.Ordinal);
            Assert.Single(cluster.Swarm.CreatedSpecs);
        }

        [Fact]
        public async Task NewAgainForAGlobalService_ReturnsAContainerPerNode_Unchanged()
        {
            ClusterContext context = await cluster.ResolveAsync();
            await workloads.CreateAsync(context, Request("agent", global: true), NullReporter.Instance, CancellationToken.None);

            IReadOnlyList<SwarmContainer> again = await workloads.CreateAsync(context, Request("agent", global: true), NullReporter.Instance, CancellationToken.None);

            Assert.Equal(3, again.Count);
            Assert.All(again, c => Assert.False(c.Changed));
        }

        [Fact]
        public async Task SetTheSameCapAgain_ChangesNothing()
        {
            ClusterContext context = await cluster.ResolveAsync();
            await workloads.CreateAsync(context, Request("web", replicas: 3, maxPerNode: 1), NullReporter.Instance, CancellationToken.None);

            ContainerChangePlan plan = await updater.PlanUpdateAsync(context, "web", new ContainerSettings { MaxReplicasPerNode = 1 }, NullReporter.Instance, CancellationToken.None);
            IReadOnlyList<SwarmContainer> containers = await updater.ApplyAsync(context, plan, noWait: false, TimeSpan.FromSeconds(10), NullReporter.Instance, CancellationToken.None);

            Assert.False(plan.NeedsChange);
            Assert.Equal(0, cluster.Manager.CountOf("UpdateService"));
            Assert.Equal(3, containers.Count);
            Assert.All(containers, c => Assert.False(c.Changed));
        }

        [Fact]
        public async Task SetPreferencesAndCap_IsOneRollingUpdate_ThatSaysWhatChanges()
        {
            ClusterContext context = await cluster.ResolveAsync();
            await workloads.CreateAsync(context, Request("web", replicas: 2), NullReporter.Instance, CancellationToken.None);

            ContainerChangePlan plan = await updater.PlanUpdateAsync(context, "web", new ContainerSettings { PlacementPreferences = new[] { "node.labels.storage" }, MaxReplicasPerNode = 1 }, NullReporter.Instance, CancellationToken.None);
            await updater.ApplyAsync(context, plan, noWait: false, TimeSpan.FromSeconds(10), NullReporter.Instance, CancellationToken.None);

            Assert.Equal(new[] { "PlacementPreferences: (none) -> spread=node.labels.storage", "MaxReplicasPerNode: (none) -> 1" }, plan.Changes.Select(c => c.ToString()));
            Assert.Contains("rolling", plan.Describe(), StringComparison.Ordinal);
            ServiceSpec sent = cluster.Swarm.UpdatedSpecs.Single();
            Assert.Equal("node.labels.storage", sent.TaskTemplate!.Placement!.Preferences!.Single().Spread!.SpreadDescriptor);
            Assert.Equal(1UL, sent.TaskTemplate.Placement.MaxReplicas);
        }

        [Fact]
        public async Task SetAnEmptyPreferenceList_RemovesThem_AndZeroLiftsTheCap()
        {
            ClusterContext context = await cluster.ResolveAsync();
            await workloads.CreateAsync(context, Request("web", replicas: 2, preferences: new[] { "spread=node.labels.storage" }, maxPerNode: 1), NullReporter.Instance, CancellationToken.None);

            ContainerChangePlan plan = await updater.PlanUpdateAsync(context, "web", new ContainerSettings { PlacementPreferences = Array.Empty<string>(), MaxReplicasPerNode = 0 }, NullReporter.Instance, CancellationToken.None);

            Assert.Equal(new[] { "PlacementPreferences: spread=node.labels.storage -> (none)", "MaxReplicasPerNode: 1 -> (none)" }, plan.Changes.Select(c => c.ToString()));
        }

        [Fact]
        public async Task SetMoreReplicasThanTheCapAllows_FailsWithNotEnoughNodes_BeforeAnyUpdate()
        {
            ClusterContext context = await cluster.ResolveAsync();
            await workloads.CreateAsync(context, Request("web", replicas: 3, maxPerNode: 1), NullReporter.Instance, CancellationToken.None);

            SwarmException failure = await Assert.ThrowsAsync<SwarmException>(async () => await updater.PlanUpdateAsync(context, "web", new ContainerSettings { Replicas = 4 }, NullReporter.Instance, CancellationToken.None));

            Assert.Equal("NotEnoughNodes", failure.ErrorId);
            Assert.Contains("(core-01, core-02, core-03)", failure.Message, StringComparison.Ordinal);
            Assert.Equal(0, cluster.Manager.CountOf("UpdateService"));
        }

        [Theory]
        [InlineData(true, "ModeCannotChange")]
        [InlineData(false, null)]
        public async Task SetTheMode_OfAReplicatedService_IsRefusedOnlyWhenItDiffers(bool global, string? errorId)
        {
            ClusterContext context = await cluster.ResolveAsync();
            await workloads.CreateAsync(context, Request("web", replicas: 1), NullReporter.Instance, CancellationToken.None);

            if (errorId == null)
            {
                ContainerChangePlan plan = await updater.PlanUpdateAsync(context, "web", new ContainerSettings { Global = global }, NullReporter.Instance, CancellationToken.None);
                Assert.False(plan.NeedsChange);
                return;
            }

            SwarmException failure = await Assert.ThrowsAsync<SwarmException>(async () => await updater.PlanUpdateAsync(context, "web", new ContainerSettings { Global = global }, NullReporter.Instance, CancellationToken.None));
            Assert.Equal(errorId, failure.ErrorId);
            Assert.Contains("New-SwarmContainer -Mode Global", failure.Message, StringComparison.Ordinal);
        }

        [Theory]
        [InlineData("replicas", "ReplicasOfGlobal")]
        [InlineData("cap", "MaxReplicasWithGlobalMode")]
        public async Task SetAReplicaSetting_OnAGlobalService_IsRefused(string setting, string errorId)
        {
            ClusterContext context = await cluster.ResolveAsync();
            await workloads.CreateAsync(context, Request("agent", global: true), NullReporter.Instance, CancellationToken.None);
            ContainerSettings settings = setting == "replicas" ? new ContainerSettings { Replicas = 2 } : new ContainerSettings { MaxReplicasPerNode = 1 };

            SwarmException failure = await Assert.ThrowsAsync<SwarmException>(async () => await updater.PlanUpdateAsync(context, "agent", settings, NullReporter.Instance, CancellationToken.None));

            Assert.Equal(errorId, failure.ErrorId);
            Assert.Equal(SwarmErrorKind.InvalidArgument, failure.Kind);
        }

        [Fact]
        public async Task ARestartOfAGlobalService_WaitsForEveryNode()
        {
            ClusterContext context = await cluster.ResolveAsync();
            await workloads.CreateAsync(context, Request("agent", global: true), NullReporter.Instance, CancellationToken.None);

            ContainerChangePlan plan = await updater.PlanRestartAsync(context, "agent", CancellationToken.None);
            IReadOnlyList<SwarmContainer> containers = await updater.ApplyAsync(context, plan, noWait: false, TimeSpan.FromSeconds(10), NullReporter.Instance, CancellationToken.None);

            Assert.Equal(3, containers.Count);
            Assert.All(containers, c => Assert.True(c.Changed));
        }

        private static ContainerRequest Request(string name, bool global = false, ulong replicas = 1, IEnumerable<string>? preferences = null, ulong? maxPerNode = null, IEnumerable<string>? constraints = null) => new ContainerRequest
        {
            Name = name,
            Image = Image,
            Replicas = replicas,
            Constraints = ConstraintParser.ParseAll(constraints ?? Array.Empty<string>()),
            StartTimeout = TimeSpan.FromSeconds(5),
            Settings = new ContainerSettings
            {
                Global = global,
                PlacementPreferences = preferences == null ? null : PlacementPreferences.ParseAll(preferences),
                MaxReplicasPerNode = maxPerNode,
            },
        };
    }
}
