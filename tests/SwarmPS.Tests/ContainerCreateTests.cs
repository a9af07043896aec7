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
    /// <summary>New-SwarmContainer's service over an in-memory swarm: the checks before creating, the spec sent, and clean-up on failure.</summary>
    public sealed class ContainerCreateTests : IDisposable
    {
        private const string Cluster = "demo";

        private readonly TemporaryDirectory state = new TemporaryDirectory();
        private readonly ClusterRepository repository;
        private readonly FakeSwarm swarm = new FakeSwarm("swarm-a");
        private readonly FakeDockerEngine manager;
        private readonly FakeDockerEngine ssdWorker;
        private readonly FakeDockerEngine plainWorker;
        private readonly FakeEngineSource engines;
        private readonly WorkloadService workloads = new WorkloadService();

        public ContainerCreateTests()
        {
            repository = new ClusterRepository(state.Path);
            manager = swarm.AddHost("core-01", "10.0.0.1");
            ssdWorker = swarm.AddHost("core-02", "10.0.0.2");
            plainWorker = swarm.AddHost("core-03", "10.0.0.3");
            swarm.Initialise(manager);
            swarm.Join(ssdWorker, "worker").Labels["storage"] = "ssd";
            swarm.Join(plainWorker, "worker").Labels["storage"] = "hdd";
            repository.Save(swarm.RecordOf(Cluster, manager, ssdWorker, plainWorker));
            engines = new FakeEngineSource(manager, ssdWorker, plainWorker);
        }

        public void Dispose() => state.Dispose();

        [Fact]
        public async Task Create_WithAConstraintNoNodeMeets_FailsWithNoNodeMatchesConstraint_AndCreatesNothing()
        {
            manager.Images.Add("nginx:alpine");
            ssdWorker.Images.Add("nginx:alpine");
            ContainerRequest request = Request("web", "nginx:alpine", new[] { "node.labels.storage==nvme" }, secrets: new Dictionary<string, byte[]> { ["token"] = new byte[] { 1, 2, 3 } });

            SwarmException failure = await Assert.ThrowsAsync<SwarmException>(async () => await workloads.CreateAsync(await ResolveAsync(), request, NullReporter.Instance, CancellationToken.None));

            Assert.Equal("NoNodeMatchesConstraint", failure.ErrorId);
            Assert.Equal(SwarmErrorKind.ResourceUnavailable, failure.Kind);
            Assert.Equal("web", failure.Target);
            Assert.Equal(0, manager.CountOf("CreateService"));
            Assert.Equal(0, manager.CountOf("CreateSecret"));
            Assert.Empty(swarm.CreatedSpecs);
            Assert.Empty(swarm.Secrets);
        }

        [Fact]
        public async Task Create_OfAnImageOnNoEligibleNode_FailsWithImageNotFound_AndCreatesNothing()
        {
            // The image is there, but only on nodes the constraint rules out.
            manager.Images.Add("redis:7");
            plainWorker.Images.Add("redis:7");
            ContainerRequest request = Request("cache", "redis:7", new[] { "node.labels.storage==ssd" }, secrets: new Dictionary<string, byte[]> { ["token"] = new byte[] { 1 } });

            SwarmException failure = await Assert.ThrowsAsync<SwarmException>(async () => await workloads.CreateAsync(await ResolveAsync(), request, NullReporter.Instance, CancellationToken.None));

            Assert.Equal("ImageNotFound", failure.ErrorId);
            Assert.Equal(SwarmErrorKind.ObjectNotFound, failure.Kind);
            Assert.Contains("core-02", failure.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("core-03", failure.Message, StringComparison.Ordinal);
            Assert.Equal(1, ssdWorker.CountOf("InspectImage"));
            Assert.Equal(0, plainWorker.CountOf("InspectImage"));
            Assert.Equal(0, manager.CountOf("CreateService"));
            Assert.Equal(0, manager.CountOf("CreateSecret"));
            Assert.Empty(swarm.Services);
            Assert.Empty(swarm.Secrets);
        }

        [Fact]
        public async Task Create_SendsImageArgsEnvConstraintsInSwarmSyntax_AndHostModePorts()
        {
            ssdWorker.Images.Add("nginx:alpine");
            ContainerRequest request = new ContainerRequest
            {
                Name = "web",
                Image = "nginx:alpine",
                Command = new[] { "nginx", "-g", "daemon off;" },
                Environment = new Dictionary<string, string> { ["MODE"] = "prod", ["TZ"] = "UTC" },
                Constraints = ConstraintParser.ParseAll(new[] { "storage==ssd", "node.role != manager" }),
                Publish = new[] { PortSpec.Parse("8080:80"), PortSpec.Parse("53/udp") },
                StartTimeout = TimeSpan.FromSeconds(5),
            };

            SwarmContainer container = Assert.Single(await workloads.CreateAsync(await ResolveAsync(), request, NullReporter.Instance, CancellationToken.None));

            Assert.Equal(1, manager.CountOf("CreateService"));
            ServiceSpec spec = Assert.Single(swarm.CreatedSpecs);
            Assert.Equal("web", spec.Name);
            Assert.Equal("true", spec.Labels!["io.swarmps.managed"]);
            ContainerSpec sent = spec.TaskTemplate!.ContainerSpec!;
            Assert.Equal("nginx:alpine", sent.Image);
            Assert.Equal(new[] { "nginx", "-g", "daemon off;" }, sent.Args);
            Assert.Null(sent.Command);
            Assert.Equal(new[] { "MODE=prod", "TZ=UTC" }, sent.Env);
            Assert.Null(sent.Secrets);
            Assert.Equal(new[] { "node.labels.storage==ssd", "node.role!=manager" }, spec.TaskTemplate.Placement!.Constraints);
            Assert.Equal(1UL, spec.Mode!.Replicated!.Replicas);
            Assert.Equal(
                new[] { "tcp 80 8080 host", "udp 53  host" },
                spec.EndpointSpec!.Ports!.Select(p => $"{p.Protocol} {p.TargetPort} {p.PublishedPort} {p.PublishMode}"));

            Assert.True(container.Changed);
            Assert.Equal("core-02", container.Node);
            Assert.Equal("running", container.State);
            Assert.Equal(swarm.Services.Single().ID, container.ServiceId);
        }

        [Fact]
        public async Task Create_WhenCreatingTheServiceFails_DeletesTheSecretsItMade_AndThrowsTheGatewaysException()
        {
            ssdWorker.Images.Add("nginx:alpine");
            var refused = new SwarmException("ContainerCreateFailed", SwarmErrorKind.InvalidArgument, "Creating 'web' on core-01 failed: the engine answered 400 (BadRequest): invalid mount config", "core-01");
            swarm.CreateServiceFailure = refused;
            byte[] password = { 115, 51, 99, 114, 51, 116 };
            byte[] apiKey = { 1, 2, 3, 4 };
            ContainerRequest request = Request("web", "nginx:alpine", Array.Empty<string>(), new Dictionary<string, byte[]> { ["db-password"] = password, ["api-key"] = apiKey });

            SwarmException failure = await Assert.ThrowsAsync<SwarmException>(async () => await workloads.CreateAsync(await ResolveAsync(), request, NullReporter.Instance, CancellationToken.None));

            Assert.Same(refused, failure);
            Assert.Equal(2, manager.CountOf("CreateSecret"));
            Assert.Equal(2, manager.CountOf("DeleteSecret"));
            Assert.Empty(swarm.Secrets);
            Assert.Empty(swarm.Services);

            // The spec that was refused referred to both secrets, and their values were wiped afterwards.
            ServiceSpec spec = Assert.Single(swarm.CreatedSpecs);
            Assert.Equal(new[] { "web_api-key", "web_db-password" }, spec.TaskTemplate!.ContainerSpec!.Secrets!.Select(s => s.SecretName).OrderBy(n => n, StringComparer.Ordinal));
            Assert.All(password.Concat(apiKey), b => Assert.Equal(0, b));
        }

        [Fact]
        public async Task Create_OfAnExistingServiceWithTheSameImage_ReturnsItUnchanged_WithoutCreating()
        {
            SwarmService existing = swarm.AddService(Spec("web", "nginx:alpine@sha256:0123abcd"));

            IReadOnlyList<SwarmContainer> containers = await workloads.CreateAsync(await ResolveAsync(), Request("web", "nginx:alpine", Array.Empty<string>()), NullReporter.Instance, CancellationToken.None);

            SwarmContainer container = Assert.Single(containers);
            Assert.False(container.Changed);
            Assert.Equal(existing.ID, container.ServiceId);
            Assert.Equal(0, manager.CountOf("CreateService"));
            Assert.Equal(0, manager.CountOf("CreateSecret"));
            Assert.Single(swarm.Services);
        }

        [Fact]
        public async Task Create_OfAnExistingServiceWithAnotherImage_FailsWithContainerExists()
        {
            swarm.AddService(Spec("web", "httpd:2"));

            SwarmException failure = await Assert.ThrowsAsync<SwarmException>(async () =>
                await workloads.CreateAsync(await ResolveAsync(), Request("web", "nginx:alpine", Array.Empty<string>()), NullReporter.Instance, CancellationToken.None));

            Assert.Equal("ContainerExists", failure.ErrorId);
            Assert.Equal(SwarmErrorKind.ResourceExists, failure.Kind);
            Assert.Contains("httpd:2", failure.Message, StringComparison.Ordinal);
            Assert.Equal(0, manager.CountOf("CreateService"));
        }

        private static ContainerRequest Request(string name, string image, IEnumerable<string> constraints, IReadOnlyDictionary<string, byte[]>? secrets = null) => new ContainerRequest
        {
            Name = name,
            Image = image,
            Constraints = ConstraintParser.ParseAll(constraints),
            Secrets = secrets ?? new Dictionary<string, byte[]>(),
            StartTimeout = TimeSpan.FromSeconds(5),
        };

        private static ServiceSpec Spec(string name, string image) => new ServiceSpec
        {
            Name = name,
            TaskTemplate = new TaskSpec { ContainerSpec = new ContainerSpec { Image = image } },
            Mode = new ServiceMode { Replicated = new ReplicatedService { Replicas = 1 } },
        };

        private Task<ClusterContext> ResolveAsync() =>
            ClusterContext.ResolveAsync(repository.Load(Cluster), repository, engines, NullReporter.Instance, CancellationToken.None);
    }
}
