using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Docker.DotNet.Models;
using SwarmPS.Engine.Cluster;
using SwarmPS.Tests.Fakes;
using Xunit;

namespace SwarmPS.Tests
{
    /// <summary>
    /// How a command finds the manager: the swarm, nodes and the reads it asks for go out together, and an engine
    /// this session has seen manage the swarm is not asked for the swarm again while it is still that manager node.
    /// </summary>
    public sealed class ManagerReadsTests : IDisposable
    {
        private const string Cluster = "demo";
        private readonly TemporaryDirectory state = new TemporaryDirectory();
        private readonly ClusterRepository repository;
        private readonly FakeSwarm swarm = new FakeSwarm("swarm-a");
        private readonly FakeDockerEngine first;
        private readonly FakeDockerEngine second;
        private readonly FakeEngineSource engines;

        public ManagerReadsTests()
        {
            repository = new ClusterRepository(state.Path);
            first = swarm.AddHost("core-01", "10.0.0.1");
            second = swarm.AddHost("core-02", "10.0.0.2");
            swarm.Initialise(first);
            swarm.Join(second, "manager");
            repository.Save(swarm.RecordOf(Cluster, first, second));
            engines = new FakeEngineSource(first, second);
        }

        public void Dispose() => state.Dispose();

        [Fact]
        public async Task TheSecondCommand_DoesNotAskForTheSwarmAgain()
        {
            ClusterContext one = await ResolveAsync();
            ClusterContext two = await ResolveAsync();

            Assert.Same(first, one.Manager);
            Assert.Same(first, two.Manager);
            Assert.Equal(swarm.Id, two.Swarm!.ID);
            Assert.Equal(1, first.CountOf("InspectSwarm"));
            Assert.Equal(2, first.CountOf("ListNodes"));
        }

        [Fact]
        public async Task AskedReads_AnswerTheFirstAskOnly_LaterAsksGoToTheManager()
        {
            ClusterContext context = await ResolveAsync(ManagerReads.RunningTasks | ManagerReads.Services);
            Assert.Equal(1, first.CountOf("ListTasks"));
            Assert.Equal(1, first.CountOf("ListServices"));

            await context.ListTasksAsync(desiredRunning: true, CancellationToken.None);
            await context.ListServicesAsync(CancellationToken.None);
            Assert.Equal(1, first.CountOf("ListTasks"));
            Assert.Equal(1, first.CountOf("ListServices"));

            await context.ListTasksAsync(desiredRunning: true, CancellationToken.None);
            await context.ListTasksAsync(desiredRunning: false, CancellationToken.None);
            Assert.Equal(3, first.CountOf("ListTasks"));
        }

        [Fact]
        public async Task AManagerWhoseNodeIdIsGone_IsCheckedAgain()
        {
            await ResolveAsync();

            // As after the host left and joined again: its saved node id is no longer in the list it gives.
            ClusterRecord record = repository.Load(Cluster);
            record.Members.First(m => m.Name == "core-01").NodeId = "not-a-node";
            ClusterContext context = await ClusterContext.ResolveAsync(record, repository, engines, NullReporter.Instance, CancellationToken.None);

            Assert.Equal(2, first.CountOf("InspectSwarm"));
            Assert.Same(first, context.Manager);
            Assert.Equal(swarm.Id, context.Swarm!.ID);
        }

        [Fact]
        public async Task AManagerThatLeft_IsForgotten_AndTheNextMemberIsUsed()
        {
            await ResolveAsync();
            await first.LeaveSwarmAsync(force: true, CancellationToken.None);

            ClusterContext context = await ResolveAsync();

            Assert.Same(second, context.Manager);
            Assert.Null(first.ManagedSwarm);
        }

        [Fact]
        public async Task JoinTokens_AreReadFresh_NotFromWhatTheSessionFirstSaw()
        {
            ClusterContext context = await ResolveAsync();
            var service = new SwarmClusterService();
            string before = await service.GetJoinTokenAsync(context, "worker", rotate: false, NullReporter.Instance, CancellationToken.None);

            ClusterContext later = await ResolveAsync();
            string rotated = await service.GetJoinTokenAsync(later, "worker", rotate: true, NullReporter.Instance, CancellationToken.None);
            ClusterContext after = await ResolveAsync();

            Assert.NotEqual(before, rotated);
            Assert.Equal(rotated, await service.GetJoinTokenAsync(after, "worker", rotate: false, NullReporter.Instance, CancellationToken.None));
        }

        private Task<ClusterContext> ResolveAsync(ManagerReads reads = ManagerReads.None) =>
            ClusterContext.ResolveAsync(repository.Load(Cluster), repository, engines, NullReporter.Instance, CancellationToken.None, reads);
    }
}
