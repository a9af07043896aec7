using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using SwarmPS.Engine.Cluster;
using SwarmPS.Tests.Fakes;
using Xunit;

namespace SwarmPS.Tests
{
    /// <summary>Start-SwarmManager and Join-SwarmNode's service over an in-memory swarm: init, join, and what is saved.</summary>
    public sealed class SwarmJoinTests : IDisposable
    {
        private const string Cluster = "demo";

        private readonly TemporaryDirectory state = new TemporaryDirectory();
        private readonly ClusterRepository repository;
        private readonly FakeSwarm swarm = new FakeSwarm("swarm-a");
        private readonly FakeDockerEngine core1;
        private readonly FakeDockerEngine core2;
        private readonly FakeDockerEngine core3;
        private readonly FakeDockerEngine core4;
        private readonly FakeEngineSource engines;
        private readonly SwarmClusterService service = new SwarmClusterService();

        public SwarmJoinTests()
        {
            repository = new ClusterRepository(state.Path);
            repository.Save(new ClusterRecord { Name = Cluster });
            core1 = swarm.AddHost("core-01", "10.0.0.1", new Dictionary<string, string> { ["storage"] = "ssd", ["zone"] = "a" });
            core2 = swarm.AddHost("core-02", "10.0.0.2", new Dictionary<string, string> { ["storage"] = "hdd" });
            core3 = swarm.AddHost("core-03", "10.0.0.3");
            core4 = swarm.AddHost("core-04", "10.0.0.4");
            engines = new FakeEngineSource(core1, core2, core3, core4);
        }

        public void Dispose() => state.Dispose();

        [Fact]
        public async Task StartManager_OnAnEmptyCluster_InitialisesOnce_SavesTheMember_AndCopiesEngineLabels()
        {
            SwarmNode node = await service.StartManagerAsync(await ResolveAsync(), core1, null, false, NullReporter.Instance, CancellationToken.None);

            Assert.True(node.Changed);
            Assert.Equal("manager", node.Role);
            Assert.Equal("core-01", node.Hostname);
            Assert.Equal(1, core1.CountOf("InitSwarm"));
            Assert.Equal("10.0.0.1:2377", core1.InitParameters!.AdvertiseAddr);
            Assert.Equal("0.0.0.0:2377", core1.InitParameters.ListenAddr);

            string nodeId = swarm.NodeOf(core1)!.Id;
            Assert.Equal(nodeId, node.Id);
            ClusterRecord saved = repository.Load(Cluster);
            Assert.Equal("swarm-a", saved.SwarmId);
            ClusterMember member = Assert.Single(saved.Members);
            Assert.Equal(("core-01", "10.0.0.1", 2376, true, nodeId, "SHA256:fake-core-01"), (member.Name, member.Address, member.ApiPort, member.Tls, member.NodeId, member.HostKeyFingerprint));

            var expectedLabels = new Dictionary<string, string> { ["storage"] = "ssd", ["zone"] = "a" };
            Assert.Equal(expectedLabels, swarm.NodeOf(core1)!.Labels);
            Assert.Equal(expectedLabels, node.NodeLabels);
        }

        [Fact]
        public async Task StartManager_Again_ChangesNothing()
        {
            await service.StartManagerAsync(await ResolveAsync(), core1, null, false, NullReporter.Instance, CancellationToken.None);
            ulong version = swarm.NodeOf(core1)!.Version;
            int updates = core1.CountOf("UpdateNode");
            Assert.Equal(1, updates); // the engine labels were copied once

            // As a second Start-SwarmManager would: a new context from the saved file.
            SwarmNode again = await service.StartManagerAsync(await ResolveAsync(), core1, null, false, NullReporter.Instance, CancellationToken.None);

            Assert.False(again.Changed);
            Assert.Equal("manager", again.Role);
            Assert.Equal(1, core1.CountOf("InitSwarm"));
            Assert.Equal(0, core1.CountOf("JoinSwarm"));
            Assert.Equal(updates, core1.CountOf("UpdateNode"));
            Assert.Equal(version, swarm.NodeOf(core1)!.Version);
            Assert.Single(swarm.Nodes);
            Assert.Equal("core-01", Assert.Single(repository.Load(Cluster).Members).Name);
        }

        [Fact]
        public async Task Join_UsesTheWorkerToken_AndTheLeadersAddress_AndSavesTheMember()
        {
            // The leader advertises another address than its Engine API's, so the two cannot be confused.
            ClusterContext context = await ResolveAsync();
            await service.StartManagerAsync(context, core1, "10.10.0.1", false, NullReporter.Instance, CancellationToken.None);

            SwarmNode node = await service.JoinAsync(context, core2, "worker", null, false, NullReporter.Instance, CancellationToken.None);

            Assert.True(node.Changed);
            Assert.Equal("worker", node.Role);
            Assert.Equal(swarm.WorkerToken, core2.JoinParameters!.JoinToken);
            Assert.NotEqual(swarm.ManagerToken, core2.JoinParameters.JoinToken);
            Assert.Equal("10.10.0.1:2377", swarm.LeaderAddress);
            Assert.Equal(new[] { swarm.LeaderAddress }, core2.JoinParameters.RemoteAddrs);
            Assert.Equal("10.0.0.2:2377", core2.JoinParameters.AdvertiseAddr);
            Assert.Equal(1, core2.CountOf("JoinSwarm"));
            Assert.Equal(0, core2.CountOf("InitSwarm"));

            string nodeId = swarm.NodeOf(core2)!.Id;
            ClusterMember member = Assert.Single(repository.Load(Cluster).Members, m => m.Name == "core-02");
            Assert.Equal(("10.0.0.2", 2376, true, nodeId), (member.Address, member.ApiPort, member.Tls, member.NodeId));
            Assert.Equal("hdd", swarm.NodeOf(core2)!.Labels["storage"]);
        }

        [Fact]
        public async Task Join_WhileSwarmStillRegistersTheNewNode_ReadsItAgain_AndStillCopiesTheEngineLabels()
        {
            ClusterContext context = await ResolveAsync();
            await service.StartManagerAsync(context, core1, null, false, NullReporter.Instance, CancellationToken.None);
            swarm.NodeUpdatesRacedBySwarm = 2;
            int updatesBefore = core1.CountOf("UpdateNode");

            await service.JoinAsync(context, core2, "worker", null, false, NullReporter.Instance, CancellationToken.None);

            // "update out of sequence" twice, then the third read and update go through.
            Assert.Equal("hdd", swarm.NodeOf(core2)!.Labels["storage"]);
            Assert.Equal(updatesBefore + 3, core1.CountOf("UpdateNode"));
            Assert.Equal(0, swarm.NodeUpdatesRacedBySwarm);
        }

        [Fact]
        public async Task Join_OfAHostInAnotherSwarm_FailsWithNodeInOtherSwarm_AndCallsNothingAfterTheInfoRead()
        {
            var other = new FakeSwarm("swarm-b");
            FakeDockerEngine stray = other.AddHost("stray-01", "10.0.1.1");
            other.Initialise(stray);
            engines.Add(stray);
            ClusterContext context = await ResolveAsync();
            await service.StartManagerAsync(context, core1, null, false, NullReporter.Instance, CancellationToken.None);

            SwarmException failure = await Assert.ThrowsAsync<SwarmException>(() => service.JoinAsync(context, stray, "worker", null, false, NullReporter.Instance, CancellationToken.None));

            Assert.Equal("NodeInOtherSwarm", failure.ErrorId);
            Assert.Equal(SwarmErrorKind.ResourceExists, failure.Kind);
            Assert.Equal("stray-01", failure.Target);
            Assert.Equal(new[] { "GetInfo" }, stray.Calls);
            Assert.NotNull(other.NodeOf(stray));
            Assert.Single(swarm.Nodes);
            Assert.Equal(new[] { "core-01" }, repository.Load(Cluster).Members.Select(m => m.Name));
        }

        [Fact]
        public async Task Join_WithNoManager_GivesNoManagerReachable()
        {
            SwarmException failure = await Assert.ThrowsAsync<SwarmException>(async () =>
                await service.JoinAsync(await ResolveAsync(), core2, "worker", null, false, NullReporter.Instance, CancellationToken.None));

            Assert.Equal("NoManagerReachable", failure.ErrorId);
            Assert.Equal(SwarmErrorKind.ResourceUnavailable, failure.Kind);
            Assert.Equal(new[] { "GetInfo" }, core2.Calls);
            Assert.Empty(swarm.Nodes);
            Assert.Empty(repository.Load(Cluster).Members);
        }

        [Fact]
        public async Task StartManager_WhenTheSavedSwarmHasNoReachableManager_RefusesToInitASecondSwarm()
        {
            await service.StartManagerAsync(await ResolveAsync(), core1, null, false, NullReporter.Instance, CancellationToken.None);
            engines.TakeDown("core-01");
            ClusterContext context = await ResolveAsync();
            Assert.Null(context.Manager);

            SwarmException failure = await Assert.ThrowsAsync<SwarmException>(() => service.StartManagerAsync(context, core2, null, false, NullReporter.Instance, CancellationToken.None));

            Assert.Equal("NoManagerReachable", failure.ErrorId);
            Assert.Equal(SwarmErrorKind.ResourceUnavailable, failure.Kind);
            Assert.Contains("swarm-a", failure.Message, StringComparison.Ordinal);
            Assert.Equal(0, core2.CountOf("InitSwarm"));
            Assert.Equal(0, core2.CountOf("JoinSwarm"));
            Assert.Null(swarm.NodeOf(core2));
            Assert.Equal(new[] { "core-01" }, repository.Load(Cluster).Members.Select(m => m.Name));
        }

        [Fact]
        public async Task ParallelJoins_OnOneContext_KeepEveryMember()
        {
            ClusterContext context = await ResolveAsync();
            await service.StartManagerAsync(context, core1, null, false, NullReporter.Instance, CancellationToken.None);
            swarm.HoldJoinsUntil(3);

            SwarmNode[] joined = await Task.WhenAll(new[] { core2, core3, core4 }.Select(engine =>
                service.JoinAsync(context, engine, "worker", null, false, NullReporter.Instance, CancellationToken.None)));

            Assert.Equal(new[] { "core-02", "core-03", "core-04" }, joined.Select(n => n.Hostname).OrderBy(n => n));
            Assert.All(joined, n => Assert.True(n.Changed));
            ClusterRecord saved = repository.Load(Cluster);
            Assert.Equal(new[] { "core-01", "core-02", "core-03", "core-04" }, saved.Members.Select(m => m.Name).OrderBy(n => n));
            Assert.All(saved.Members, m => Assert.Equal(swarm.Nodes.Single(n => n.Hostname == m.Name).Id, m.NodeId));
            Assert.Equal(4, context.Members.Count);
            Assert.Equal(4, swarm.Nodes.Count);
        }

        private Task<ClusterContext> ResolveAsync() =>
            ClusterContext.ResolveAsync(repository.Load(Cluster), repository, engines, NullReporter.Instance, CancellationToken.None);
    }
}
