using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Docker.DotNet.Models;
using SwarmPS.Engine.Storage;
using SwarmPS.Engine.Workloads;
using SwarmPS.Tests.Fakes;
using Xunit;

namespace SwarmPS.Tests
{
    /// <summary>The mount parser (every key of the CLI's --mount, -v's short form, every refusal), the spec and diff it makes, and the volumes of the nodes.</summary>
    public sealed class StorageTests : IDisposable
    {
        private readonly ThreeNodeCluster cluster = new ThreeNodeCluster();
        private readonly WorkloadService workloads = new WorkloadService();

        public void Dispose() => cluster.Dispose();

        [Fact]
        public void Parse_ANamedVolume_WithTheLongKeys()
        {
            Mount mount = MountParser.Parse("type=volume,source=dbdata,target=/var/lib/mysql");

            Assert.Equal("volume", mount.Type);
            Assert.Equal("dbdata", mount.Source);
            Assert.Equal("/var/lib/mysql", mount.Target);
            Assert.Null(mount.ReadOnly);
            Assert.Null(mount.VolumeOptions);
        }

        [Theory]
        [InlineData("src=dbdata,dst=/data")]
        [InlineData("source=dbdata,destination=/data")]
        [InlineData("TYPE=VOLUME,Source=dbdata,Target=/data/")]
        [InlineData("type=volume,src=dbdata,target=/data")]
        public void Parse_AliasesAndDefaults_ReadLikeTheCli(string text)
        {
            // No type is a volume, as docker/cli's MountOpt defaults it; a trailing slash is the same target.
            Assert.Equal("type=volume,source=dbdata,target=/data", MountParser.Format(MountParser.Parse(text)));
        }

        [Theory]
        [InlineData("type=bind,source=/srv/x,target=/x,readonly", true)]
        [InlineData("type=bind,source=/srv/x,target=/x,ro", true)]
        [InlineData("type=bind,source=/srv/x,target=/x,ro=true", true)]
        [InlineData("type=bind,source=/srv/x,target=/x,readonly=1", true)]
        [InlineData("type=bind,source=/srv/x,target=/x,ro=false", false)]
        [InlineData("type=bind,source=/srv/x,target=/x,readonly=F", false)]
        public void Parse_ReadOnly_AloneOrAsAGoBool(string text, bool readOnly)
        {
            Mount mount = MountParser.Parse(text);

            Assert.Equal("bind", mount.Type);
            Assert.Equal(readOnly, mount.ReadOnly == true);
        }

        [Fact]
        public void Parse_EveryVolumeKey()
        {
            Mount mount = MountParser.Parse("type=volume,source=pgdata,target=/pg,volume-driver=local,volume-label=tier=db,volume-label=team=a,volume-opt=type=nfs,\"volume-opt=o=addr=10.0.0.5,rw\",volume-nocopy,consistency=cached");

            Assert.Equal("local", mount.VolumeOptions!.DriverConfig!.Name);
            Assert.Equal(new Dictionary<string, string> { ["tier"] = "db", ["team"] = "a" }, mount.VolumeOptions.Labels);
            Assert.Equal(new Dictionary<string, string> { ["type"] = "nfs", ["o"] = "addr=10.0.0.5,rw" }, mount.VolumeOptions.DriverConfig.Options);
            Assert.True(mount.VolumeOptions.NoCopy);
            Assert.Equal("cached", mount.Consistency);
            Assert.Equal(
                "type=volume,source=pgdata,target=/pg,consistency=cached,volume-driver=local,volume-label=team=a,volume-label=tier=db,\"volume-opt=o=addr=10.0.0.5,rw\",volume-opt=type=nfs,volume-nocopy",
                MountParser.Format(mount));
            Assert.Equal(MountParser.Format(mount), MountParser.Format(MountParser.Parse(MountParser.Format(mount))));
        }

        [Fact]
        public void Parse_VolumeNoCopyFalse_AndAnAnonymousVolume()
        {
            Assert.False(MountParser.Parse("type=volume,target=/cache,volume-nocopy=false").VolumeOptions!.NoCopy);
            Mount anonymous = MountParser.Parse("type=volume,target=/cache");
            Assert.Null(anonymous.Source);
            Assert.Equal("type=volume,target=/cache", MountParser.Format(anonymous));
        }

        [Theory]
        [InlineData("bind-propagation=rshared", "rshared", false)]
        [InlineData("bind-propagation=SLAVE", "slave", false)]
        [InlineData("bind-nonrecursive", null, true)]
        [InlineData("bind-nonrecursive=true", null, true)]
        public void Parse_BindOptions(string option, string? propagation, bool nonRecursive)
        {
            Mount mount = MountParser.Parse("type=bind,src=/srv/x,dst=/x," + option);

            Assert.Equal(propagation, mount.BindOptions!.Propagation);
            Assert.Equal(nonRecursive, mount.BindOptions.NonRecursive == true);
        }

        [Theory]
        [InlineData("tmpfs-size=64m", 64L * 1024 * 1024)]
        [InlineData("tmpfs-size=1g", 1024L * 1024 * 1024)]
        [InlineData("tmpfs-size=512k", 512L * 1024)]
        [InlineData("tmpfs-size=1048576", 1048576L)]
        [InlineData("tmpfs-size=1.5MiB", 1572864L)]
        public void Parse_TmpfsSize_InBinaryUnits(string option, long bytes)
        {
            Assert.Equal(bytes, MountParser.Parse("type=tmpfs,target=/tmp," + option).TmpfsOptions!.SizeBytes);
        }

        [Fact]
        public void Parse_TmpfsMode_InOctal()
        {
            Mount mount = MountParser.Parse("type=tmpfs,target=/tmp,tmpfs-mode=1770,tmpfs-size=64m");

            Assert.Equal(Convert.ToUInt32("1770", 8), mount.TmpfsOptions!.Mode);
            Assert.Equal("type=tmpfs,target=/tmp,tmpfs-size=67108864,tmpfs-mode=1770", MountParser.Format(mount));
        }

        [Theory]
        [InlineData("type=volume,source=dbdata,target=data")]
        [InlineData("type=tmpfs,target=./tmp")]
        public void Parse_ARelativeTarget_IsMountTargetNotAbsolute(string text)
        {
            SwarmException failure = Assert.Throws<SwarmException>(() => MountParser.Parse(text));

            Assert.Equal("MountTargetNotAbsolute", failure.ErrorId);
            Assert.Equal(SwarmErrorKind.InvalidArgument, failure.Kind);
            Assert.Contains("must start with '/'", failure.Message, StringComparison.Ordinal);
            Assert.Equal(text, failure.Target);
        }

        [Theory]
        [InlineData("type=volume,source=x1,target=/x,size=1g", "size")]
        [InlineData("type=volume,source=x1,target=/x,bogus", "bogus")]
        [InlineData("type=bind,source=/srv,target=/x,bind-recursive=disabled", "bind-recursive")]
        public void Parse_AnUnknownKey_IsMountKeyUnknown_ListingTheKeys(string text, string key)
        {
            SwarmException failure = Assert.Throws<SwarmException>(() => MountParser.Parse(text));

            Assert.Equal("MountKeyUnknown", failure.ErrorId);
            Assert.Contains($"'{key}'", failure.Message, StringComparison.Ordinal);
            Assert.Contains("tmpfs-mode", failure.Message, StringComparison.Ordinal);
        }

        [Fact]
        public void Parse_AnEmptyType_IsMountTypeMissing()
        {
            SwarmException failure = Assert.Throws<SwarmException>(() => MountParser.Parse("type=,source=x1,target=/x"));

            Assert.Equal("MountTypeMissing", failure.ErrorId);
            Assert.Contains("type=volume, type=bind or type=tmpfs", failure.Message, StringComparison.Ordinal);
        }

        [Theory]
        [InlineData("", "empty")]
        [InlineData("type=npipe,source=x1,target=/x", "'npipe' is not a mount type")]
        [InlineData("type=volume,source=x1", "no target")]
        [InlineData("type=bind,target=/x", "needs the host path")]
        [InlineData("type=bind,source=srv/x,target=/x", "not an absolute path on the node")]
        [InlineData("type=volume,source=/srv/x,target=/x", "not a volume name")]
        [InlineData("type=volume,source=a,target=/x", "not a volume name")]
        [InlineData("type=tmpfs,source=x1,target=/x", "has no source")]
        [InlineData("type=bind,source=/srv,target=/x,volume-nocopy", "volume-* options go with type=volume only")]
        [InlineData("type=volume,source=x1,target=/x,bind-propagation=shared", "bind-* options go with type=bind only")]
        [InlineData("type=volume,source=x1,target=/x,tmpfs-size=1m", "tmpfs-* options go with type=tmpfs only")]
        [InlineData("type=bind,source=/srv,target=/x,readonly=yes", "'yes' is not a value for readonly")]
        [InlineData("type=volume,source=x1,target=/x,volume-nocopy=maybe", "'maybe' is not a value for volume-nocopy")]
        [InlineData("type=bind,source=/srv,target=/x,bind-propagation=sideways", "'sideways' is not a value for bind-propagation")]
        [InlineData("type=volume,source=x1,target=/x,consistency=eventual", "'eventual' is not a value for consistency")]
        [InlineData("type=tmpfs,target=/x,tmpfs-size=lots", "'lots' is not a size")]
        [InlineData("type=tmpfs,target=/x,tmpfs-size=0", "more than 0")]
        [InlineData("type=tmpfs,target=/x,tmpfs-mode=rwx", "'rwx' is not a mode")]
        [InlineData("type=tmpfs,target=/x,tmpfs-mode=0800", "'0800' is not a mode")]
        [InlineData("type=volume,source=x1,target", "'target' needs a value")]
        [InlineData("type=volume,\"source=x1,target=/x", "not closed")]
        [InlineData("type=volume,source=\"x1\"y,target=/x", "double quote")]
        public void Parse_WhatTheEngineWouldRefuse_IsMountInvalid_WithTheReason(string text, string reason)
        {
            SwarmException failure = Assert.Throws<SwarmException>(() => MountParser.Parse(text));

            Assert.Equal("MountInvalid", failure.ErrorId);
            Assert.Equal(SwarmErrorKind.InvalidArgument, failure.Kind);
            Assert.Contains(reason, failure.Message, StringComparison.Ordinal);
        }

        [Theory]
        [InlineData("dbdata:/var/lib/mysql", "type=volume,source=dbdata,target=/var/lib/mysql")]
        [InlineData("dbdata:/var/lib/mysql:ro", "type=volume,source=dbdata,target=/var/lib/mysql,readonly")]
        [InlineData("dbdata:/data:rw", "type=volume,source=dbdata,target=/data")]
        [InlineData("dbdata:/data:nocopy", "type=volume,source=dbdata,target=/data,volume-nocopy")]
        [InlineData("/srv/conf:/etc/app", "type=bind,source=/srv/conf,target=/etc/app")]
        [InlineData("/srv/conf:/etc/app:ro,rslave", "type=bind,source=/srv/conf,target=/etc/app,readonly,bind-propagation=rslave")]
        [InlineData("/cache", "type=volume,target=/cache")]
        public void ParseVolume_TheShortForm_NamedOrBindByTheSource(string text, string mount)
        {
            Assert.Equal(mount, MountParser.Format(MountParser.ParseVolume(text)));
        }

        [Theory]
        [InlineData("dbdata:data", "MountTargetNotAbsolute")]
        [InlineData("dbdata:/data:rx", "MountInvalid")]
        [InlineData("/srv:/x:nocopy", "MountInvalid")]
        [InlineData("a:b:c:d", "MountInvalid")]
        [InlineData("dbdata::ro", "MountInvalid")]
        [InlineData("", "MountInvalid")]
        public void ParseVolume_Refusals(string text, string errorId)
        {
            SwarmException failure = Assert.Throws<SwarmException>(() => MountParser.ParseVolume(text));

            Assert.Equal(errorId, failure.ErrorId);
            Assert.Contains("-Volume", failure.Message, StringComparison.Ordinal);
        }

        [Fact]
        public void ParseAll_TwoMountsOnOneTarget_IsMountTargetDuplicate_NamingBoth()
        {
            SwarmException failure = Assert.Throws<SwarmException>(() => MountParser.ParseAll(new[] { "type=volume,source=a1,target=/data" }, new[] { "b1:/data/" }));

            Assert.Equal("MountTargetDuplicate", failure.ErrorId);
            Assert.Equal("/data", failure.Target);
            Assert.Contains("'type=volume,source=a1,target=/data' and 'b1:/data/'", failure.Message, StringComparison.Ordinal);
        }

        [Fact]
        public void ServiceSpec_CarriesTheMounts_AndTheSameMountsInAnotherOrderAreNoChange()
        {
            ServiceSpec current = ThreeNodeCluster.Service("db", "mysql:8");
            IReadOnlyList<Mount> mounts = MountParser.ParseAll(new[] { "type=tmpfs,target=/tmp,tmpfs-size=64m" }, new[] { "dbdata:/var/lib/mysql" });

            ServiceSpec mounted = ServiceSpecEditor.Apply(current, new ContainerSettings { Mounts = mounts });

            Assert.Equal(new[] { "tmpfs", "volume" }, mounted.TaskTemplate!.ContainerSpec!.Mounts!.Select(m => m.Type));
            FieldChange change = Assert.Single(ServiceSpecEditor.Compare(current, mounted));
            Assert.Equal("Mounts", change.Field);
            Assert.Equal("type=tmpfs,target=/tmp,tmpfs-size=67108864; type=volume,source=dbdata,target=/var/lib/mysql", change.After);

            ServiceSpec again = ServiceSpecEditor.Apply(mounted, new ContainerSettings { Mounts = MountParser.ParseAll(new[] { "src=dbdata,dst=/var/lib/mysql", "type=tmpfs,dst=/tmp,tmpfs-size=64m" }, null) });
            Assert.Empty(ServiceSpecEditor.Compare(mounted, again));

            ServiceSpec none = ServiceSpecEditor.Apply(mounted, new ContainerSettings { Mounts = Array.Empty<Mount>() });
            Assert.Null(none.TaskTemplate!.ContainerSpec!.Mounts);
            Assert.Equal(string.Empty, Assert.Single(ServiceSpecEditor.Compare(mounted, none)).After);

            // Settings without mounts leave them as they are.
            Assert.Empty(ServiceSpecEditor.Compare(mounted, ServiceSpecEditor.Apply(mounted, new ContainerSettings { Replicas = 1 })));
        }

        [Fact]
        public async Task Create_WithABindSourceSomeEligibleNodesLack_IsBindSourceNotFound_NamingThem_AndCreatesNothing()
        {
            foreach (FakeDockerEngine engine in new[] { cluster.Manager, cluster.SsdWorker, cluster.PlainWorker })
            {
                engine.Images.Add("nginx:alpine");
            }

            cluster.Manager.HostPaths.Add("/srv/conf");
            ContainerRequest request = Request("web", new[] { "type=bind,source=/srv/conf,target=/etc/nginx,readonly" });

            SwarmException failure = await Assert.ThrowsAsync<SwarmException>(async () => await workloads.CreateAsync(await cluster.ResolveAsync(), request, NullReporter.Instance, CancellationToken.None));

            Assert.Equal("BindSourceNotFound", failure.ErrorId);
            Assert.Equal(SwarmErrorKind.ObjectNotFound, failure.Kind);
            Assert.Equal("web", failure.Target);
            Assert.Contains("/srv/conf is missing on core-02, core-03", failure.Message, StringComparison.Ordinal);
            Assert.Contains("node.hostname==core-01", failure.Message, StringComparison.Ordinal);
            Assert.Equal(0, cluster.Manager.CountOf("CreateService"));
            Assert.Empty(cluster.Swarm.Services);
        }

        [Fact]
        public async Task Create_WithABindSourceOnTheEligibleNode_AsksOnlyIt_AndSendsTheMounts()
        {
            cluster.SsdWorker.Images.Add("nginx:alpine");
            cluster.SsdWorker.HostPaths.Add("/srv/conf");
            ContainerRequest request = Request("web", new[] { "type=bind,source=/srv/conf,target=/etc/nginx,readonly", "type=volume,source=webdata,target=/data" }, "storage==ssd");

            SwarmContainer container = Assert.Single(await workloads.CreateAsync(await cluster.ResolveAsync(), request, NullReporter.Instance, CancellationToken.None));

            Assert.Equal(1, cluster.SsdWorker.CountOf("HostPathExists"));
            Assert.Equal(0, cluster.PlainWorker.CountOf("HostPathExists"));
            Assert.Equal(0, cluster.Manager.CountOf("HostPathExists"));
            IList<Mount> sent = Assert.Single(cluster.Swarm.CreatedSpecs).TaskTemplate!.ContainerSpec!.Mounts!;
            Assert.Equal(new[] { "bind /srv/conf /etc/nginx True", "volume webdata /data False" }, sent.Select(m => $"{m.Type} {m.Source} {m.Target} {m.ReadOnly == true}"));
            Assert.Equal(new[] { "type=bind,source=/srv/conf,target=/etc/nginx,readonly", "type=volume,source=webdata,target=/data" }, container.Mounts);
        }

        [Fact]
        public async Task Update_ToAMissingBindSource_IsBindSourceNotFound_AndTheSameMountsAgainAreNoChange()
        {
            cluster.SsdWorker.Images.Add("nginx:alpine");
            cluster.Swarm.AddService(ThreeNodeCluster.Service("web", "nginx:alpine", "node.labels.storage==ssd"));
            var updater = new ContainerUpdater();
            Engine.Cluster.ClusterContext context = await cluster.ResolveAsync();

            SwarmException failure = await Assert.ThrowsAsync<SwarmException>(() => updater.PlanUpdateAsync(context, "web",
                new ContainerSettings { Mounts = MountParser.ParseAll(new[] { "type=bind,source=/srv/missing,target=/x" }, null) }, NullReporter.Instance, CancellationToken.None));
            Assert.Equal("BindSourceNotFound", failure.ErrorId);
            Assert.Contains("core-02", failure.Message, StringComparison.Ordinal);

            ContainerChangePlan plan = await updater.PlanUpdateAsync(context, "web", new ContainerSettings { Mounts = MountParser.ParseAll(null, new[] { "webdata:/data" }) }, NullReporter.Instance, CancellationToken.None);
            Assert.True(plan.NeedsChange);
            Assert.Contains("Mounts: (none) -> type=volume,source=webdata,target=/data", plan.Describe(), StringComparison.Ordinal);
            await updater.ApplyAsync(context, plan, noWait: true, TimeSpan.FromSeconds(5), NullReporter.Instance, CancellationToken.None);

            ContainerChangePlan again = await updater.PlanUpdateAsync(context, "web", new ContainerSettings { Mounts = MountParser.ParseAll(new[] { "type=volume,src=webdata,dst=/data" }, null) }, NullReporter.Instance, CancellationToken.None);
            Assert.False(again.NeedsChange);
        }

        [Fact]
        public void Volumes_AreMappedWithTheContainersThatHoldThem()
        {
            var volumes = new[]
            {
                new VolumeResponse { Name = "dbdata", Driver = "local", Scope = "local", Labels = new Dictionary<string, string> { ["tier"] = "db" }, CreatedAt = "2026-01-02T03:04:05Z" },
                new VolumeResponse { Name = "spare", Driver = "local", Scope = "local" },
            };
            var containers = new[]
            {
                Holder("c1", "/db.1.abc", "running", "dbdata", service: "db"),
                Holder("c2", "/db.1.old", "exited", "dbdata", service: "db"),
                Holder("c3", "/backup", "exited", "dbdata"),
            };

            IReadOnlyList<SwarmVolume> mapped = VolumeService.Map(volumes, containers, "core-01", "10.0.0.1", "demo");

            SwarmVolume db = mapped[0];
            Assert.Equal("core-01/dbdata", db.ToString());
            Assert.Equal(new[] { "backup", "db" }, db.UsedBy);
            Assert.Equal(new[] { "db" }, db.RunningUsers);
            Assert.True(db.InUse);
            Assert.Equal("db", db.Labels["tier"]);
            Assert.Equal(new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc), db.Created);
            Assert.False(mapped[1].InUse);
        }

        [Fact]
        public async Task Remove_OfAVolumeAStoppedContainerHolds_IsVolumeInUse_UnlessForce_WhichRemovesThatContainer()
        {
            cluster.SsdWorker.Volumes.Add(new VolumeResponse { Name = "dbdata", Driver = "local" });
            cluster.SsdWorker.StandaloneContainers.Add(Holder("c3", "/backup", "exited", "dbdata"));
            Engine.Cluster.ClusterContext context = await cluster.ResolveAsync();
            var service = new VolumeService();
            Engine.Cluster.ClusterMember member = context.Members.Single(m => m.Name == "core-02");
            SwarmVolume volume = Assert.Single(await service.ListOnMemberAsync(context, member, NullReporter.Instance, CancellationToken.None));

            SwarmException failure = await Assert.ThrowsAsync<SwarmException>(() => service.RemoveAsync(context, volume, force: false, NullReporter.Instance, CancellationToken.None));
            Assert.Equal("VolumeInUse", failure.ErrorId);
            Assert.Equal("core-02/dbdata", failure.Target);
            Assert.Contains("backup", failure.Message, StringComparison.Ordinal);
            Assert.Contains("-Force", failure.Message, StringComparison.Ordinal);
            Assert.Single(cluster.SsdWorker.Volumes);

            Assert.True(await service.RemoveAsync(context, volume, force: true, NullReporter.Instance, CancellationToken.None));
            Assert.Empty(cluster.SsdWorker.Volumes);
            Assert.Empty(cluster.SsdWorker.StandaloneContainers);
            Assert.False(await service.RemoveAsync(context, volume, force: false, NullReporter.Instance, CancellationToken.None));
        }

        [Fact]
        public async Task Remove_OfAVolumeARunningTaskUses_IsVolumeInUse_EvenWithForce()
        {
            cluster.SsdWorker.Images.Add("mysql:8");
            cluster.SsdWorker.Volumes.Add(new VolumeResponse { Name = "dbdata", Driver = "local" });
            await workloads.CreateAsync(await cluster.ResolveAsync(), Request("db", new[] { "type=volume,source=dbdata,target=/var/lib/mysql" }, "storage==ssd", image: "mysql:8"), NullReporter.Instance, CancellationToken.None);
            Engine.Cluster.ClusterContext context = await cluster.ResolveAsync();
            var service = new VolumeService();
            SwarmVolume volume = Assert.Single(await service.ListOnMemberAsync(context, context.Members.Single(m => m.Name == "core-02"), NullReporter.Instance, CancellationToken.None));
            Assert.Equal(new[] { "db" }, volume.RunningUsers);

            SwarmException failure = await Assert.ThrowsAsync<SwarmException>(() => service.RemoveAsync(context, volume, force: true, NullReporter.Instance, CancellationToken.None));

            Assert.Equal("VolumeInUse", failure.ErrorId);
            Assert.Contains("Remove-SwarmContainer db", failure.Message, StringComparison.Ordinal);
            Assert.Single(cluster.SsdWorker.Volumes);
            Assert.Equal(0, cluster.SsdWorker.CountOf("RemoveVolume"));
        }

        private static ContainerListResponse Holder(string id, string name, string state, string volume, string? service = null) => new ContainerListResponse
        {
            ID = id,
            Names = new List<string> { name },
            State = state,
            Labels = service == null ? new Dictionary<string, string>() : new Dictionary<string, string> { ["com.docker.swarm.service.name"] = service },
            Mounts = new List<MountPoint> { new MountPoint { Type = "volume", Name = volume, Destination = "/data", RW = true } },
        };

        private static ContainerRequest Request(string name, string[] mounts, string? constraint = null, string image = "nginx:alpine") => new ContainerRequest
        {
            Name = name,
            Image = image,
            Constraints = ConstraintParser.ParseAll(constraint == null ? Array.Empty<string>() : new[] { constraint }),
            Settings = new ContainerSettings { Mounts = MountParser.ParseAll(mounts, null) },
            StartTimeout = TimeSpan.FromSeconds(5),
        };
    }
}
