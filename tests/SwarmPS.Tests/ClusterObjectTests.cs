using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Security;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Docker.DotNet.Models;
using SwarmPS.Engine.Cluster;
using SwarmPS.Engine.Objects;
using SwarmPS.Engine.Workloads;
using SwarmPS.Infrastructure;
using SwarmPS.Tests.Fakes;
using Xunit;

namespace SwarmPS.Tests
{
    /// <summary>Secret and config references (Docker CLI syntax), value conversion, and create/remove/rotate planning over an in-memory swarm.</summary>
    public sealed class ClusterObjectTests : IDisposable
    {
        private const string Cluster = "demo";
        private readonly TemporaryDirectory state = new TemporaryDirectory();
        private readonly ClusterRepository repository;
        private readonly FakeSwarm swarm = new FakeSwarm("swarm-a");
        private readonly FakeDockerEngine manager;
        private readonly FakeEngineSource engines;
        private readonly ClusterObjectService objects = new ClusterObjectService();

        public ClusterObjectTests()
        {
            repository = new ClusterRepository(state.Path);
            manager = swarm.AddHost("core-01", "10.0.0.1");
            swarm.Initialise(manager);
            repository.Save(swarm.RecordOf(Cluster, manager));
            engines = new FakeEngineSource(manager);
            manager.Images.Add("swarmps/web:v1");
        }

        public void Dispose() => state.Dispose();

        [Fact]
        public void AName_IsSourceAndTarget_WithTheCliDefaults()
        {
            ObjectReference reference = ObjectReference.Parse("db_password", ObjectKind.Secret);
            Assert.Equal(("db_password", "db_password", "0", "0", 0x124u), (reference.Source, reference.Target, reference.Uid, reference.Gid, reference.Mode));
            Assert.Equal("/run/secrets/db_password", reference.Path);
            Assert.Equal("/app.conf", ObjectReference.Parse("app.conf", ObjectKind.Config).Path);
        }

        [Fact]
        public void TheLongForm_ReadsEveryField_ModeInOctal()
        {
            ObjectReference reference = ObjectReference.Parse("src=db_password_v2,target=db_pw,uid=1000,gid=1001,mode=0400", ObjectKind.Secret);
            Assert.Equal(("db_password_v2", "db_pw", "1000", "1001", 0x100u), (reference.Source, reference.Target, reference.Uid, reference.Gid, reference.Mode));
            Assert.Equal("db_password_v2", ObjectReference.Parse("source=db_password_v2", ObjectKind.Secret).Target);
        }

        [Theory]
        [InlineData("db_password=hunter2", "db_password")]
        [InlineData("source=x,mode=rw", "x")]
        [InlineData("target=x", "-Secret")]
        [InlineData("-bad", "-bad")]
        [InlineData("source=x,uid=root", "x")]
        public void BadReferences_AreSecretInvalid_AndNeverEchoAValue(string text, string target)
        {
            SwarmException failure = Assert.Throws<SwarmException>(() => ObjectReference.Parse(text, ObjectKind.Secret));
            Assert.Equal("SecretInvalid", failure.ErrorId);
            Assert.Equal(target, failure.Target);
            Assert.DoesNotContain("hunter2", failure.Message, StringComparison.Ordinal);
        }

        [Fact]
        public void TheSameTargetTwice_IsRefused()
        {
            SwarmException failure = Assert.Throws<SwarmException>(() => ObjectReference.ParseAll(new[] { "db_password", "source=db_password_v2,target=db_password" }, ObjectKind.Secret));
            Assert.Equal("SecretTargetDuplicate", failure.ErrorId);
        }

        [Theory]
        [InlineData("db_password", true)]
        [InlineData("a", true)]
        [InlineData("db.password-v2_x", true)]
        [InlineData("_db", false)]
        [InlineData("db_", false)]
        [InlineData("db password", false)]
        public void Names_FollowSwarmkitsRule(string name, bool valid)
        {
            if (valid)
            {
                Assert.Equal(name, ObjectReference.RequireName(name, ObjectKind.Secret, "SecretNameInvalid"));
            }
            else
            {
                Assert.Equal("SecretNameInvalid", Assert.Throws<SwarmException>(() => ObjectReference.RequireName(name, ObjectKind.Secret, "SecretNameInvalid")).ErrorId);
            }

            Assert.Throws<SwarmException>(() => ObjectReference.RequireName(new string('a', 65), ObjectKind.Secret, "SecretNameInvalid"));
        }

        [Fact]
        public void Values_FromSecureStringCredentialBytesAndString_AreUtf8_AndAHashtableIsRefused()
        {
            var secure = new SecureString();
            foreach (char c in "pä55")
            {
                secure.AppendChar(c);
            }

            Assert.Equal(Encoding.UTF8.GetBytes("pä55"), ObjectValues.From(new object?[] { secure }, ObjectKind.Secret, "s"));
            Assert.Equal(Encoding.UTF8.GetBytes("pä55"), ObjectValues.From(new object?[] { new PSCredential("u", secure) }, ObjectKind.Secret, "s"));
            Assert.Equal(new byte[] { 1, 2 }, ObjectValues.From(new object?[] { new byte[] { 1, 2 } }, ObjectKind.Secret, "s"));
            Assert.Equal(new byte[] { 1, 2 }, ObjectValues.From(new object?[] { (byte)1, (byte)2 }, ObjectKind.Secret, "s"));
            Assert.Equal(Encoding.UTF8.GetBytes("a\nb\n"), ObjectValues.From(new object?[] { "a", "b" }, ObjectKind.Config, "c"));
            Assert.Equal("SecretValueInvalid", Assert.Throws<SwarmException>(() => ObjectValues.From(new object?[] { new System.Collections.Hashtable { ["password"] = secure } }, ObjectKind.Secret, "s")).ErrorId);
            Assert.Equal("ConfigValueInvalid", Assert.Throws<SwarmException>(() => ObjectValues.From(new object?[] { secure }, ObjectKind.Config, "c")).ErrorId);
            Assert.Equal("SecretValueInvalid", Assert.Throws<SwarmException>(() => ClusterObjectService.RequireData(ObjectKind.Secret, "s", Encoding.UTF8.GetBytes(" \n"))).ErrorId);
        }

        [Fact]
        public async Task ASecretNameTwice_IsSecretExists_AndNothingIsSent()
        {
            ClusterContext context = await ResolveAsync();
            SwarmSecret created = await objects.CreateSecretAsync(context, "db_password", Encoding.UTF8.GetBytes("v1"), new Dictionary<string, string>(), NullReporter.Instance, CancellationToken.None);
            Assert.True(created.Changed);

            SwarmException failure = await Assert.ThrowsAsync<SwarmException>(() => objects.CreateSecretAsync(context, "db_password", Encoding.UTF8.GetBytes("v1"), new Dictionary<string, string>(), NullReporter.Instance, CancellationToken.None));
            Assert.Equal("SecretExists", failure.ErrorId);
            Assert.Contains("db_password_v2", failure.Message, StringComparison.Ordinal);
            Assert.Equal(1, manager.CountOf("CreateSecret"));
        }

        [Fact]
        public async Task AConfigWithTheSameContent_IsUnchanged_OtherContentIsConfigExists()
        {
            ClusterContext context = await ResolveAsync();
            Assert.True((await objects.CreateConfigAsync(context, "app", Encoding.UTF8.GetBytes("a=1"), new Dictionary<string, string>(), NullReporter.Instance, CancellationToken.None)).Changed);
            Assert.False((await objects.CreateConfigAsync(context, "app", Encoding.UTF8.GetBytes("a=1"), new Dictionary<string, string>(), NullReporter.Instance, CancellationToken.None)).Changed);
            Assert.Equal("ConfigExists", (await Assert.ThrowsAsync<SwarmException>(() => objects.CreateConfigAsync(context, "app", Encoding.UTF8.GetBytes("a=2"), new Dictionary<string, string>(), NullReporter.Instance, CancellationToken.None))).ErrorId);
        }

        [Fact]
        public async Task AContainerReferencingAMissingSecret_IsSecretNotFound_BeforeAnythingIsCreated()
        {
            ClusterContext context = await ResolveAsync();
            var request = new ContainerRequest
            {
                Name = "web",
                Image = "swarmps/web:v1",
                Settings = new ContainerSettings { Secrets = ObjectReference.ParseAll(new[] { "db_password" }, ObjectKind.Secret) },
                Secrets = new Dictionary<string, byte[]> { ["own"] = Encoding.UTF8.GetBytes("x") },
            };

            SwarmException failure = await Assert.ThrowsAsync<SwarmException>(() => new WorkloadService().CreateAsync(context, request, NullReporter.Instance, CancellationToken.None));

            Assert.Equal("SecretNotFound", failure.ErrorId);
            Assert.Equal(0, manager.CountOf("CreateSecret"));
            Assert.Equal(0, manager.CountOf("CreateService"));
        }

        [Fact]
        public async Task RotatingByTarget_ReplacesTheReference_AndTheOldSecretIsInUseUntilThen()
        {
            ClusterContext context = await ResolveAsync();
            SwarmSecret v1 = await objects.CreateSecretAsync(context, "db_password", Encoding.UTF8.GetBytes("v1"), new Dictionary<string, string>(), NullReporter.Instance, CancellationToken.None);
            SwarmSecret v2 = await objects.CreateSecretAsync(context, "db_password_v2", Encoding.UTF8.GetBytes("v2"), new Dictionary<string, string>(), NullReporter.Instance, CancellationToken.None);
            swarm.AddService(new ServiceSpec
            {
                Name = "web",
                Mode = new ServiceMode { Replicated = new ReplicatedService { Replicas = 1 } },
                TaskTemplate = new TaskSpec
                {
                    ContainerSpec = new ContainerSpec
                    {
                        Image = "swarmps/web:v1",
                        Secrets = new List<SecretReference> { new SecretReference { SecretID = v1.Id, SecretName = "db_password", File = new SecretReferenceFileTarget { Name = "db_password", UID = "0", GID = "0", Mode = 0x124 } } },
                    },
                    Placement = new Placement(),
                },
            });

            SwarmException inUse = await Assert.ThrowsAsync<SwarmException>(() => objects.RemoveAsync(context, ObjectKind.Secret, "db_password", NullReporter.Instance, CancellationToken.None));
            Assert.Equal("SecretInUse", inUse.ErrorId);
            Assert.Contains("web", inUse.Message, StringComparison.Ordinal);
            Assert.Equal(new[] { "web" }, (await objects.ListSecretsAsync(context, CancellationToken.None)).Single(s => s.Name == "db_password").UsedBy);

            var updater = new ContainerUpdater();
            var rotate = new ContainerSettings { Secrets = ObjectReference.ParseAll(new[] { "source=db_password_v2,target=db_password" }, ObjectKind.Secret) };
            ContainerChangePlan plan = await updater.PlanUpdateAsync(context, "web", rotate, NullReporter.Instance, CancellationToken.None);

            Assert.Equal("Change 'web' (rolling, 1 at a time, stop-first, on failure pause): Secrets: db_password->db_password 0:0 0444 -> db_password_v2->db_password 0:0 0444", plan.Describe());
            await updater.ApplyAsync(context, plan, noWait: false, TimeSpan.FromSeconds(10), NullReporter.Instance, CancellationToken.None);
            SecretReference now = Assert.Single(swarm.UpdatedSpecs.Single().TaskTemplate!.ContainerSpec!.Secrets!);
            Assert.Equal((v2.Id, "db_password_v2", "db_password"), (now.SecretID, now.SecretName, now.File!.Name));

            ContainerChangePlan again = await updater.PlanUpdateAsync(context, "web", rotate, NullReporter.Instance, CancellationToken.None);
            Assert.False(again.NeedsChange);
            Assert.True(await objects.RemoveAsync(context, ObjectKind.Secret, "db_password", NullReporter.Instance, CancellationToken.None));
        }

        private Task<ClusterContext> ResolveAsync() =>
            ClusterContext.ResolveAsync(repository.Load(Cluster), repository, engines, NullReporter.Instance, CancellationToken.None);
    }
}
