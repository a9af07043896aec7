using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Docker.DotNet.Models;
using SwarmPS.Engine.Cluster;

namespace SwarmPS.Tests.Fakes
{
    /// <summary>
    /// A cluster over a <see cref="FakeSwarm"/>, saved as SwarmPS saves one in a state directory of its own: core-01
    /// the manager, core-02 a worker with the node label storage=ssd, core-03 a worker with storage=hdd.
    /// </summary>
    public sealed class ThreeNodeCluster : IDisposable
    {
        public const string Name = "demo";

        private readonly TemporaryDirectory state = new TemporaryDirectory();

        public ThreeNodeCluster()
        {
            Repository = new ClusterRepository(state.Path);
            Manager = Swarm.AddHost("core-01", "10.0.0.1");
            SsdWorker = Swarm.AddHost("core-02", "10.0.0.2");
            PlainWorker = Swarm.AddHost("core-03", "10.0.0.3");
            Swarm.Initialise(Manager);
            Swarm.Join(SsdWorker, "worker").Labels["storage"] = "ssd";
            Swarm.Join(PlainWorker, "worker").Labels["storage"] = "hdd";
            Repository.Save(Swarm.RecordOf(Name, Manager, SsdWorker, PlainWorker));
            Engines = new FakeEngineSource(Manager, SsdWorker, PlainWorker);
        }

        public FakeSwarm Swarm { get; } = new FakeSwarm("swarm-a");

        public FakeDockerEngine Manager { get; }

        public FakeDockerEngine SsdWorker { get; }

        public FakeDockerEngine PlainWorker { get; }

        public FakeEngineSource Engines { get; }

        public ClusterRepository Repository { get; }

        /// <summary>A service spec with one replica of <paramref name="image"/>, placed by <paramref name="constraints"/> (swarm syntax).</summary>
        public static ServiceSpec Service(string name, string image, params string[] constraints) => new ServiceSpec
        {
            Name = name,
            TaskTemplate = new TaskSpec
            {
                ContainerSpec = new ContainerSpec { Image = image },
                Placement = new Placement { Constraints = constraints.ToList() },
            },
            Mode = new ServiceMode { Replicated = new ReplicatedService { Replicas = 1 } },
        };

        /// <summary>The context a cluster cmdlet would resolve: the saved record, a manager that answers, and the node list.</summary>
        public Task<ClusterContext> ResolveAsync() =>
            ClusterContext.ResolveAsync(Repository.Load(Name), Repository, Engines, NullReporter.Instance, CancellationToken.None);

        public void Dispose() => state.Dispose();
    }
}
