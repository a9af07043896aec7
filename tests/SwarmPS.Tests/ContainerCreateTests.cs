using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Docker.DotNet.Models;
using SwarmPS.Engine.Workloads;
using SwarmPS.Tests.Fakes;
using Xunit;

namespace SwarmPS.Tests
{
    /// <summary>New-SwarmContainer's service over an in-memory swarm: the checks before creating, the spec sent, and clean-up on failure.</summary>
    public sealed class ContainerCreateTests : IDisposable
    {
        private readonly ThreeNodeCluster cluster = new ThreeNodeCluster();
        private readonly WorkloadService workloads = new WorkloadService();

        public void Dispose() => cluster.Dispose();

        [Fact]
        public async Task Create_WithAConstraintNoNodeMeets_FailsWithNoNodeMatchesConstraint_AndCreatesNothing()
        {
            cluster.Manager.Images.Add("nginx:alpine");
            cluster.SsdWorker.Images.Add("nginx:alpine");
            ContainerRequest request = Request("web", "nginx:alpine", new[] { "node.labels.storage==nvme" }, secrets: new Dictionary<string, byte[]> { ["token"] = new byte[] { 1, 2, 3 } });

            SwarmException failure = await Assert.ThrowsAsync<SwarmException>(async () => await workloads.CreateAsync(await cluster.ResolveAsync(), request, NullReporter.Instance, CancellationToken.None));

            Assert.Equal("NoNodeMatchesConstraint", failure.ErrorId);
            Assert.Equal(SwarmErrorKind.ResourceUnavailable, failure.Kind);
            Assert.Equal("web", failure.Target);
            Assert.Equal(0, cluster.Manager.CountOf("CreateService"));
            Assert.Equal(0, cluster.Manager.CountOf("CreateSecret"));
            Assert.Empty(cluster.Swarm.CreatedSpecs);
            Assert.Empty(cluster.Swarm.Secrets);
        }

        [Fact]
        public async Task Create_OfAnImageOnNoEligibleNode_FailsWithImageNotFound_AndCreatesNothing()
        {
            // The image is there, but only on nodes the constraint rules out.
            cluster.Manager.Images.Add("redis:7");
            cluster.PlainWorker.Images.Add("redis:7");
            ContainerRequest request = Request("cache", "redis:7", new[] { "node.labels.storage==ssd" }, secrets: new Dictionary<string, byte[]> { ["token"] = new byte[] { 1 } });

            SwarmException failure = await Assert.ThrowsAsync<SwarmException>(async () => await workloads.CreateAsync(await cluster.ResolveAsync(), request, NullReporter.Instance, CancellationToken.None));

            Assert.Equal("ImageNotFound", failure.ErrorId);
            Assert.Equal(SwarmErrorKind.ObjectNotFound, failure.Kind);
            Assert.Contains("core-02", failure.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("core-03", failure.Message, StringComparison.Ordinal);
            Assert.Equal(1, cluster.SsdWorker.CountOf("InspectImage"));
            Assert.Equal(0, cluster.PlainWorker.CountOf("InspectImage"));
            Assert.Equal(0, cluster.Manager.CountOf("CreateService"));
            Assert.Equal(0, cluster.Manager.CountOf("CreateSecret"));
            Assert.Empty(cluster.Swarm.Services);
            Assert.Empty(cluster.Swarm.Secrets);
        }

        [Fact]
        public async Task Create_SendsImageArgsEnvConstraintsInSwarmSyntax_AndHostModePorts()
        {
            cluster.SsdWorker.Images.Add("nginx:alpine");
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

            SwarmContainer container = Assert.Single(await workloads.CreateAsync(await cluster.ResolveAsync(), request, NullReporter.Instance, CancellationToken.None));

            Assert.Equal(1, cluster.Manager.CountOf("CreateService"));
            ServiceSpec spec = Assert.Single(cluster.Swarm.CreatedSpecs);
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
            Assert.Equal(cluster.Swarm.Services.Single().ID, container.ServiceId);
        }

        [Fact]
        public async Task Create_WhenCreatingTheServiceFails_DeletesTheSecretsItMade_AndThrowsTheGatewaysException()
        {
            cluster.SsdWorker.Images.Add("nginx:alpine");
            var refused = new SwarmException("ContainerCreateFailed", SwarmErrorKind.InvalidArgument, "Creating 'web' on core-01 failed: the engine answered 400 (BadRequest): invalid mount config", "core-01");
            cluster.Swarm.CreateServiceFailure = refused;
            byte[] password = { 115, 51, 99, 114, 51, 116 };
            byte[] apiKey = { 1, 2, 3, 4 };
            ContainerRequest request = Request("web", "nginx:alpine", Array.Empty<string>(), new Dictionary<string, byte[]> { ["db-password"] = password, ["api-key"] = apiKey });

            SwarmException failure = await Assert.ThrowsAsync<SwarmException>(async () => await workloads.CreateAsync(await cluster.ResolveAsync(), request, NullReporter.Instance, CancellationToken.None));

            Assert.Same(refused, failure);
            Assert.Equal(2, cluster.Manager.CountOf("CreateSecret"));
            Assert.Equal(2, cluster.Manager.CountOf("DeleteSecret"));
            Assert.Empty(cluster.Swarm.Secrets);
            Assert.Empty(cluster.Swarm.Services);

            // The spec that was refused referred to both secrets, and their values were wiped afterwards.
            ServiceSpec spec = Assert.Single(cluster.Swarm.CreatedSpecs);
            Assert.Equal(new[] { "web_api-key", "web_db-password" }, spec.TaskTemplate!.ContainerSpec!.Secrets!.Select(s => s.SecretName).OrderBy(n => n, StringComparer.Ordinal));
            Assert.All(password.Concat(apiKey), b => Assert.Equal(0, b));
        }

        [Fact]
        public async Task Create_OfAnExistingServiceWithTheSameImage_ReturnsItUnchanged_WithoutCreating()
        {
            SwarmService existing = cluster.Swarm.AddService(ThreeNodeCluster.Service("web", "nginx:alpine@sha256:0123abcd"));

            IReadOnlyList<SwarmContainer> containers = await workloads.CreateAsync(await cluster.ResolveAsync(), Request("web", "nginx:alpine", Array.Empty<string>()), NullReporter.Instance, CancellationToken.None);

            SwarmContainer container = Assert.Single(containers);
            Assert.False(container.Changed);
            Assert.Equal(existing.ID, container.ServiceId);
            Assert.Equal(0, cluster.Manager.CountOf("CreateService"));
            Assert.Equal(0, cluster.Manager.CountOf("CreateSecret"));
            Assert.Single(cluster.Swarm.Services);
        }

        [Fact]
        public async Task Create_OfAnExistingServiceWithAnotherImage_FailsWithContainerExists()
        {
            cluster.Swarm.AddService(ThreeNodeCluster.Service("web", "httpd:2"));

            SwarmException failure = await Assert.ThrowsAsync<SwarmException>(async () =>
                await workloads.CreateAsync(await cluster.ResolveAsync(), Request("web", "nginx:alpine", Array.Empty<string>()), NullReporter.Instance, CancellationToken.None));

            Assert.Equal("ContainerExists", failure.ErrorId);
            Assert.Equal(SwarmErrorKind.ResourceExists, failure.Kind);
            Assert.Contains("httpd:2", failure.Message, StringComparison.Ordinal);
            Assert.Equal(0, cluster.Manager.CountOf("CreateService"));
        }

        private static ContainerRequest Request(string name, string image, IEnumerable<string> constraints, IReadOnlyDictionary<string, byte[]>? secrets = null) => new ContainerRequest
        {
            Name = name,
            Image = image,
            Constraints = ConstraintParser.ParseAll(constraints),
            Secrets = secrets ?? new Dictionary<string, byte[]>(),
            StartTimeout = TimeSpan.FromSeconds(5),
        };
    }
}
