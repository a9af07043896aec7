using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Docker.DotNet.Models;
using SwarmPS.Engine.Cluster;
using SwarmPS.Engine.Networking;
using SwarmPS.Engine.Workloads;
using SwarmPS.Tests.Fakes;
using Xunit;

namespace SwarmPS.Tests
{
    /// <summary>
    /// Overlay networks: -Network attachments in the Docker CLI's syntax, the checks New-SwarmNetwork makes before any
    /// call, create/remove over an in-memory swarm, and the networks, publish mode and endpoint mode of a service spec.
    /// </summary>
    public sealed class NetworkTests : IDisposable
    {
        private const string Cluster = "demo";
        private readonly TemporaryDirectory state = new TemporaryDirectory();
        private readonly ClusterRepository repository;
        private readonly FakeSwarm swarm = new FakeSwarm("swarm-a");
        private readonly FakeDockerEngine manager;
        private readonly FakeEngineSource engines;
        private readonly NetworkService networks = new NetworkService();

        public NetworkTests()
        {
            repository = new ClusterRepository(state.Path);
            manager = swarm.AddHost("core-01", "10.0.0.1");
            swarm.Initialise(manager);
            repository.Save(swarm.RecordOf(Cluster, manager));
            engines = new FakeEngineSource(manager);
            manager.Images.Add("swarmps/web:v1");
            manager.Networks.Add(new NetworkResponse { ID = "ingress0", Name = "ingress", Driver = "overlay", Scope = "swarm", Ingress = true });
            manager.Networks.Add(new NetworkResponse { ID = "bridge0", Name = "bridge", Driver = "bridge", Scope = "local" });
            manager.Networks.Add(new NetworkResponse { ID = "local0", Name = "localnet", Driver = "bridge", Scope = "local" });
        }

        public void Dispose() => state.Dispose();

        [Fact]
        public void AName_IsTheWholeAttachment()
        {
            NetworkReference attachment = NetworkReference.Parse("appnet");
            Assert.Equal("appnet", attachment.Network);
            Assert.Empty(attachment.Aliases);
            Assert.Empty(attachment.DriverOptions);
        }

        [Fact]
        public void TheLongForm_ReadsNameAliasesAndDriverOptions_AsTheCliDoes()
        {
            NetworkReference attachment = NetworkReference.Parse("name=appnet,alias=db,alias=primary,driver-opt=com.docker.network.driver.mtu=1400");
            Assert.Equal("appnet", attachment.Network);
            Assert.Equal(new[] { "db", "primary" }, attachment.Aliases);
            Assert.Equal("1400", attachment.DriverOptions["com.docker.network.driver.mtu"]);
            NetworkAttachmentConfig config = (attachment with { Id = "n1" }).ToConfig();
            Assert.Equal(("n1", "db,primary"), (config.Target, string.Join(",", config.Aliases!)));
            Assert.Equal("appnet (alias=db+primary,driver-opt=com.docker.network.driver.mtu=1400)", attachment.ToString());
        }

        [Theory]
        [InlineData("alias=db", "alias=db")]
        [InlineData("name=appnet,ip=10.0.9.5", "ip")]
        [InlineData("name=appnet,colour=blue", "colour")]
        [InlineData("name=appnet,alias=", "name=appnet,alias=")]
        [InlineData("name=appnet,driver-opt=mtu", "name=appnet,driver-opt=mtu")]
        [InlineData("-bad", "-bad")]
        [InlineData(" ", "-Network")]
        public void BadAttachments_AreNetworkInvalid_WithTheRightForm(string text, string target)
        {
            SwarmException failure = Assert.Throws<SwarmException>(() => NetworkReference.Parse(text));
            Assert.Equal("NetworkInvalid", failure.ErrorId);
            Assert.Equal(target, failure.Target);
            Assert.Contains("appnet", failure.Message, StringComparison.Ordinal);
        }

        [Fact]
        public void TheSameNetworkTwice_IsRefused()
        {
            SwarmException failure = Assert.Throws<SwarmException>(() => NetworkReference.ParseAll(new[] { "appnet", "name=appnet,alias=db" }));
            Assert.Equal(("NetworkInvalid", "appnet"), (failure.ErrorId, failure.Target));
        }

        [Theory]
        [InlineData("10.0.9.1/24", "SubnetInvalid", "10.0.9.0/24")]
        [InlineData("10.0.9.0", "SubnetInvalid", "CIDR")]
        [InlineData("10.0.9.0/33", "SubnetInvalid", "CIDR")]
        [InlineData("banana/24", "SubnetInvalid", "CIDR")]
        public void ASubnetNotInCidrForm_IsSubnetInvalid_SayingWhatWouldBeRight(string subnet, string id, string hint)
        {
            SwarmException failure = Assert.Throws<SwarmException>(() => new NetworkRequest { Name = "appnet", Subnet = subnet }.Validate());
            Assert.Equal((id, subnet), (failure.ErrorId, failure.Target));
            Assert.Contains(hint, failure.Message, StringComparison.Ordinal);
        }

        [Theory]
        [InlineData("10.0.9.0/24", "10.0.10.1")]
        [InlineData("10.0.9.0/24", "10.0.9.0")]
        [InlineData("10.0.9.0/24", "gateway")]
        [InlineData(null, "10.0.9.1")]
        public void AGatewayOutsideItsSubnet_IsGatewayInvalid(string? subnet, string gateway)
        {
            SwarmException failure = Assert.Throws<SwarmException>(() => new NetworkRequest { Name = "appnet", Subnet = subnet, Gateway = gateway }.Validate());
            Assert.Equal(("GatewayInvalid", gateway), (failure.ErrorId, failure.Target));
        }

        [Fact]
        public void ASubnetAndGatewayInside_AreTaken_V4AndV6()
        {
            NetworkRequest request = new NetworkRequest { Name = "appnet", Subnet = "10.0.9.0/24", Gateway = "10.0.9.1" }.Validate();
            Assert.Equal(("10.0.9.0/24", "10.0.9.1"), (request.Subnet, request.Gateway));
            Assert.Equal("fd00:9::/64", new NetworkRequest { Name = "appnet", Subnet = "fd00:9::/64", Gateway = "fd00:9::1" }.Validate().Subnet);
        }

        [Theory]
        [InlineData("")]
        [InlineData("-appnet")]
        [InlineData("app net")]
        [InlineData("ingress")]
        [InlineData("bridge")]
        public void ABadOrPredefinedName_IsNetworkNameInvalid(string name)
        {
            Assert.Equal("NetworkNameInvalid", Assert.Throws<SwarmException>(() => new NetworkRequest { Name = name }.Validate()).ErrorId);
        }

        [Fact]
        public void ANewNetwork_IsAnOverlay_EncryptedAsTheCliSendsIt()
        {
            NetworkRequest request = new NetworkRequest { Name = "appnet", Attachable = true, Encrypted = true, Internal = true, Subnet = "10.0.9.0/24", Gateway = "10.0.9.1" }.Validate();
            NetworksCreateParameters create = NetworkService.Plan(request, manager.Networks, Cluster, out NetworkResponse? existing)!;
            Assert.Null(existing);
            Assert.Equal(("appnet", "overlay", "swarm", true, true), (create.Name, create.Driver, create.Scope, create.Attachable, create.Internal));
            Assert.Equal(string.Empty, create.Options["encrypted"]);
            IPAMConfig ipam = Assert.Single(create.IPAM.Config);
            Assert.Equal(("10.0.9.0/24", "10.0.9.1"), (ipam.Subnet, ipam.Gateway));
        }

        [Fact]
        public void AnExistingNetworkOfThatName_IsKept_WhenTheSame_AndNetworkExists_WhenNot()
        {
            manager.Networks.Add(new NetworkResponse
            {
                ID = "n1", Name = "appnet", Driver = "overlay", Scope = "swarm", Attachable = true,
                IPAM = new IPAM { Config = new List<IPAMConfig> { new IPAMConfig { Subnet = "10.0.9.0/24", Gateway = "10.0.9.1" } } },
            });
            var same = new NetworkRequest { Name = "appnet", Attachable = true, Subnet = "10.0.9.0/24" };
            Assert.Null(NetworkService.Plan(same, manager.Networks, Cluster, out NetworkResponse? existing));
            Assert.Equal("n1", existing!.ID);
            // Options not given are not compared: swarm chose the subnet.
            Assert.Null(NetworkService.Plan(new NetworkRequest { Name = "appnet", Attachable = true }, manager.Networks, Cluster, out _));

            SwarmException failure = Assert.Throws<SwarmException>(() => NetworkService.Plan(same with { Encrypted = true, Subnet = "10.0.8.0/24" }, manager.Networks, Cluster, out _));
            Assert.Equal(("NetworkExists", "appnet"), (failure.ErrorId, failure.Target));
            Assert.Contains("not encrypted", failure.Message, StringComparison.Ordinal);
            Assert.Contains("subnet 10.0.9.0/24 (not 10.0.8.0/24)", failure.Message, StringComparison.Ordinal);
            Assert.Contains("Remove-SwarmNetwork appnet", failure.Message, StringComparison.Ordinal);
        }

        [Fact]
        public void ALocalBridgeOfThatName_IsNetworkNotOverlay_SayingWhatToDo()
        {
            SwarmException failure = Assert.Throws<SwarmException>(() => NetworkService.Plan(new NetworkRequest { Name = "localnet" }, manager.Networks, Cluster, out _));
            Assert.Equal(("NetworkNotOverlay", "localnet"), (failure.ErrorId, failure.Target));
            Assert.Contains("bridge network", failure.Message, StringComparison.Ordinal);
            Assert.Contains("New-SwarmNetwork -Name localnet_overlay", failure.Message, StringComparison.Ordinal);
        }

        [Fact]
        public async Task CreatingTwice_ChangesOnce_AndRemoveIsRefusedWhileAServiceIsAttached()
        {
            ClusterContext context = await ResolveAsync();
            var request = new NetworkRequest { Name = "appnet", Attachable = true };
            SwarmNetwork created = await networks.CreateAsync(context, request, NullReporter.Instance, CancellationToken.None);
            Assert.True(created.Changed);
            Assert.True(created.Attachable);
            SwarmNetwork again = await networks.CreateAsync(context, request, NullReporter.Instance, CancellationToken.None);
            Assert.False(again.Changed);
            Assert.Equal(1, manager.CountOf("CreateNetwork"));

            swarm.AddService(new ServiceSpec
            {
                Name = "db",
                TaskTemplate = new TaskSpec { ContainerSpec = new ContainerSpec { Image = "swarmps/web:v1" }, Networks = new List<NetworkAttachmentConfig> { new NetworkAttachmentConfig { Target = created.Id } } },
            });
            Assert.Equal(new[] { "db" }, (await networks.ListAsync(context, false, CancellationToken.None)).Single(n => n.Name == "appnet").UsedBy);

            SwarmException inUse = await Assert.ThrowsAsync<SwarmException>(() => networks.RemoveAsync(context, "appnet", NullReporter.Instance, CancellationToken.None));
            Assert.Equal(("NetworkInUse", "appnet"), (inUse.ErrorId, inUse.Target));
            Assert.Contains("db", inUse.Message, StringComparison.Ordinal);
            Assert.Equal(0, manager.CountOf("RemoveNetwork"));
        }

        [Fact]
        public async Task Removing_IsFalseWhenGone_AndNeverTouchesDockersOwnOrLocalNetworks()
        {
            ClusterContext context = await ResolveAsync();
            await networks.CreateAsync(context, new NetworkRequest { Name = "appnet" }, NullReporter.Instance, CancellationToken.None);
            Assert.True(await networks.RemoveAsync(context, "appnet", NullReporter.Instance, CancellationToken.None));
            Assert.False(await networks.RemoveAsync(context, "appnet", NullReporter.Instance, CancellationToken.None));
            Assert.Equal("NetworkPredefined", (await Assert.ThrowsAsync<SwarmException>(() => networks.RemoveAsync(context, "ingress", NullReporter.Instance, CancellationToken.None))).ErrorId);
            Assert.Equal("NetworkNotOverlay", (await Assert.ThrowsAsync<SwarmException>(() => networks.RemoveAsync(context, "localnet", NullReporter.Instance, CancellationToken.None))).ErrorId);
            Assert.Equal(1, manager.CountOf("RemoveNetwork"));
        }

        [Fact]
        public async Task TheListing_IsTheSwarmsNetworks_UnlessLocalOnesAreAsked()
        {
            ClusterContext context = await ResolveAsync();
            Assert.Equal(new[] { "ingress" }, (await networks.ListAsync(context, false, CancellationToken.None)).Select(n => n.Name));
            Assert.Equal(new[] { "bridge", "ingress", "localnet" }, (await networks.ListAsync(context, true, CancellationToken.None)).Select(n => n.Name));
        }

        [Theory]
        [InlineData("no_such_net", "NetworkNotFound")]
        [InlineData("localnet", "NetworkNotOverlay")]
        [InlineData("ingress", "NetworkNotOverlay")]
        public async Task AContainerOnANetworkItCannotJoin_IsRefused_BeforeAnythingIsCreated(string network, string id)
        {
            ClusterContext context = await ResolveAsync();
            var request = new ContainerRequest
            {
                Name = "web",
                Image = "swarmps/web:v1",
                Settings = new ContainerSettings { Networks = NetworkReference.ParseAll(new[] { network }) },
            };

            SwarmException failure = await Assert.ThrowsAsync<SwarmException>(() => new WorkloadService().CreateAsync(context, request, NullReporter.Instance, CancellationToken.None));

            Assert.Equal((id, network), (failure.ErrorId, failure.Target));
            Assert.Equal(0, manager.CountOf("CreateService"));
        }

        [Fact]
        public async Task AContainerJoinsTheNetworkById_WithItsAliases_AndTheSameAgainIsNoChange()
        {
            ClusterContext context = await ResolveAsync();
            SwarmNetwork appnet = await networks.CreateAsync(context, new NetworkRequest { Name = "appnet" }, NullReporter.Instance, CancellationToken.None);
            var request = new ContainerRequest
            {
                Name = "web",
                Image = "swarmps/web:v1",
                NoWait = true,
                Settings = new ContainerSettings { Networks = NetworkReference.ParseAll(new[] { "name=appnet,alias=frontend" }), EndpointMode = "dnsrr" },
            };
            await new WorkloadService().CreateAsync(context, request, NullReporter.Instance, CancellationToken.None);

            ServiceSpec spec = swarm.CreatedSpecs.Single();
            NetworkAttachmentConfig attached = Assert.Single(spec.TaskTemplate!.Networks!);
            Assert.Equal((appnet.Id, "frontend"), (attached.Target, Assert.Single(attached.Aliases!)));
            Assert.Equal("dnsrr", spec.EndpointSpec!.Mode);

            var updater = new ContainerUpdater();
            ContainerChangePlan same = await updater.PlanUpdateAsync(context, "web", new ContainerSettings { Networks = NetworkReference.ParseAll(new[] { "name=appnet,alias=frontend" }) }, NullReporter.Instance, CancellationToken.None);
            Assert.False(same.NeedsChange);
            ContainerChangePlan leave = await updater.PlanUpdateAsync(context, "web", new ContainerSettings { Networks = Array.Empty<NetworkReference>() }, NullReporter.Instance, CancellationToken.None);
            // The plan names the network, not its id.
            Assert.Equal("Networks: appnet (alias=frontend) -> (none)", Assert.Single(leave.Changes).ToString());
        }

        [Fact]
        public void PortsArePublishedInHostMode_UnlessIngressIsAsked()
        {
            var ports = new[] { PortSpec.Parse("8080:80") };
            ServiceSpec host = ServiceSpecEditor.Apply(new ServiceSpec { Name = "web" }, new ContainerSettings { Publish = ports });
            Assert.Equal("host", Assert.Single(host.EndpointSpec!.Ports!).PublishMode);
            ServiceSpec ingress = ServiceSpecEditor.Apply(host, new ContainerSettings { PublishMode = "ingress" });
            Assert.Equal("ingress", Assert.Single(ingress.EndpointSpec!.Ports!).PublishMode);
            Assert.Equal("Ports: 8080:80/tcp -> 8080:80/tcp (ingress)", Assert.Single(ServiceSpecEditor.Compare(host, ingress)).ToString());
        }

        [Fact]
        public void TheEndpointMode_IsVipUnlessSaid_AndDnsrrWithIngressPorts_IsEndpointModeConflict()
        {
            var spec = new ServiceSpec { Name = "db", EndpointSpec = new EndpointSpec { Mode = "vip" } };
            Assert.Empty(ServiceSpecEditor.Compare(new ServiceSpec { Name = "db" }, spec));
            ServiceSpec dnsrr = ServiceSpecEditor.Apply(spec, new ContainerSettings { EndpointMode = "dnsrr", Publish = new[] { PortSpec.Parse("8080:80") } });
            Assert.Equal("EndpointMode: vip -> dnsrr", ServiceSpecEditor.Compare(spec, dnsrr).Single(c => c.Field == "EndpointMode").ToString());

            SwarmException failure = Assert.Throws<SwarmException>(() => ServiceSpecEditor.Apply(dnsrr, new ContainerSettings { PublishMode = "ingress" }));
            Assert.Equal(("EndpointModeConflict", "db"), (failure.ErrorId, failure.Target));
            Assert.Contains("-PublishMode Host", failure.Message, StringComparison.Ordinal);
            // A port without a mode is ingress to swarm.
            var unmoded = new ServiceSpec { Name = "db", EndpointSpec = new EndpointSpec { Ports = new List<PortConfig> { new PortConfig { TargetPort = 80, PublishedPort = 8080 } } } };
            Assert.Equal("EndpointModeConflict", Assert.Throws<SwarmException>(() => ServiceSpecEditor.Apply(unmoded, new ContainerSettings { EndpointMode = "dnsrr" })).ErrorId);
        }

        private Task<ClusterContext> ResolveAsync() =>
            ClusterContext.ResolveAsync(repository.Load(Cluster), repository, engines, NullReporter.Instance, CancellationToken.None);
    }
}
