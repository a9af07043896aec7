using System;
using System.IO;
using System.Linq;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using Docker.DotNet.Models;
using SwarmPS.Engine.Registry;
using SwarmPS.Engine.Workloads;
using SwarmPS.Tests.Fakes;
using Xunit;

namespace SwarmPS.Tests
{
    /// <summary>Image references, the registry's verdicts, saved logins, and the resolution New-SwarmContainer does before it creates anything.</summary>
    public sealed class RegistryTests : IDisposable
    {
        private const string Digest = "sha256:f86c24505bc0e9d6085783b5395ba999052deccda78487d35ca8e950abe69d50";
        private const string Private = "registry.example.com:5000";

        private readonly ThreeNodeCluster cluster = new ThreeNodeCluster();
        private readonly TemporaryDirectory state = new TemporaryDirectory();

        public void Dispose()
        {
            cluster.Dispose();
            state.Dispose();
        }

        [Theory]
        [InlineData("mysql", "docker.io", "library/mysql", null, null, "mysql", "https://index.docker.io/v1/")]
        [InlineData("mysql:8", "docker.io", "library/mysql", "8", null, "mysql", "https://index.docker.io/v1/")]
        [InlineData("team/app:1.2", "docker.io", "team/app", "1.2", null, "team/app", "https://index.docker.io/v1/")]
        [InlineData("docker.io/library/redis:7", "docker.io", "library/redis", "7", null, "redis", "https://index.docker.io/v1/")]
        [InlineData("index.docker.io/team/app", "docker.io", "team/app", null, null, "team/app", "https://index.docker.io/v1/")]
        [InlineData("localhost/app", "localhost", "app", null, null, "localhost/app", "localhost")]
        [InlineData("registry.example.com:5000/team/app:1.2@" + Digest, Private, "team/app", "1.2", Digest, "registry.example.com:5000/team/app", Private)]
        [InlineData("10.213.7.1:5443/swarmps/busybox:latest", "10.213.7.1:5443", "swarmps/busybox", "latest", null, "10.213.7.1:5443/swarmps/busybox", "10.213.7.1:5443")]
        [InlineData("swarmps/busybox@" + Digest, "docker.io", "swarmps/busybox", null, Digest, "swarmps/busybox", "https://index.docker.io/v1/")]
        public void Parse_SplitsAsDockersReferenceGrammarDoes(string image, string registry, string path, string? tag, string? digest, string familiar, string authKey)
        {
            ImageReference reference = ImageReference.Parse(image);

            Assert.Equal(registry, reference.Registry);
            Assert.Equal(path, reference.Path);
            Assert.Equal(tag, reference.Tag);
            Assert.Equal(digest, reference.Digest);
            Assert.Equal(familiar, reference.FamiliarName);
            Assert.Equal(authKey, reference.AuthKey);
        }

        [Fact]
        public void PinnedTo_KeepsTheTagTheUserWrote_AndAddsTheDigest()
        {
            Assert.Equal("mysql:latest@" + Digest, ImageReference.Parse("mysql").PinnedTo(Digest));
            Assert.Equal(Private + "/team/app:1.2@" + Digest, ImageReference.Parse(Private + "/team/app:1.2").PinnedTo(Digest));
        }

        [Theory]
        [InlineData("")]
        [InlineData("MySQL:8")]
        [InlineData("app:")]
        [InlineData("app:-bad")]
        [InlineData("app@sha256:short")]
        [InlineData("team//app")]
        [InlineData("bad host:5000/app")]
        public void Parse_OfAReferenceDockerRefuses_IsImageInvalid_SayingTheRightForm(string image)
        {
            SwarmException failure = Assert.Throws<SwarmException>(() => ImageReference.Parse(image));

            Assert.Equal("ImageInvalid", failure.ErrorId);
            Assert.Equal(SwarmErrorKind.InvalidArgument, failure.Kind);
            Assert.Contains("[registry/]name[:tag][@digest]", failure.Message, StringComparison.Ordinal);
        }

        [Theory]
        // The engine's own words, as measured against a distribution registry and an unreachable Docker Hub.
        [InlineData(HttpStatusCode.NotFound, "manifest unknown: manifest unknown", RegistryVerdict.NotFound)]
        [InlineData(HttpStatusCode.Unauthorized, "unauthorized: authentication required", RegistryVerdict.Unauthorized)]
        [InlineData(HttpStatusCode.InternalServerError, "Head \"https://10.213.7.1:5443/v2/swarmps/busybox/manifests/latest\": no basic auth credentials", RegistryVerdict.Unauthorized)]
        [InlineData(HttpStatusCode.InternalServerError, "Get \"https://registry-1.docker.io/v2/\": dial tcp: lookup registry-1.docker.io on 127.0.0.1:53: read: connection refused", RegistryVerdict.Unreachable)]
        [InlineData(HttpStatusCode.InternalServerError, "Get \"https://10.213.7.9:5000/v2/\": dial tcp 10.213.7.9:5000: connect: no route to host", RegistryVerdict.Unreachable)]
        [InlineData(HttpStatusCode.Forbidden, "denied: requested access to the resource is denied", RegistryVerdict.Unauthorized)]
        public void Failed_ClassifiesTheEnginesAnswer(HttpStatusCode status, string message, RegistryVerdict verdict)
        {
            RegistryAnswer answer = RegistryAnswer.Failed(status, message);

            Assert.Equal(verdict, answer.Verdict);
            Assert.Equal(message, answer.Message);
            Assert.Null(answer.Digest);
        }

        [Theory]
        [InlineData("registry.example.com:5000", "registry.example.com:5000")]
        [InlineData("https://Registry.Example.com:5000/v2/", "registry.example.com:5000")]
        [InlineData("docker.io", "https://index.docker.io/v1/")]
        [InlineData("https://index.docker.io/v1/", "https://index.docker.io/v1/")]
        [InlineData("registry-1.docker.io", "https://index.docker.io/v1/")]
        public void KeyOf_FilesALoginAsDockerLoginDoes(string typed, string key)
        {
            Assert.Equal(key, RegistryLoginStore.KeyOf(typed));
        }

        [Fact]
        public void Store_SavesInConfigJsonLayout_OwnerOnly_AndSaysWhenNothingChanged()
        {
            var store = new RegistryLoginStore(state.Path);

            Assert.True(store.Save(new RegistryLogin(Private, "ci", "s3cret:with:colons")));
            Assert.False(store.Save(new RegistryLogin(Private, "ci", "s3cret:with:colons")));
            Assert.True(store.Save(new RegistryLogin(Private, "ci", "rotated")));

            JsonNode file = JsonNode.Parse(File.ReadAllText(store.FilePath))!;
            string auth = file["auths"]![Private]!["auth"]!.GetValue<string>();
            Assert.Equal("ci:rotated", Encoding.UTF8.GetString(Convert.FromBase64String(auth)));
            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(store.FilePath));
            }

            RegistryLogin found = new RegistryLoginStore(state.Path).Find(Private)!;
            Assert.Equal("ci", found.UserName);
            Assert.Equal("rotated", found.Password);
            Assert.DoesNotContain("rotated", found.ToString(), StringComparison.Ordinal);
            Assert.True(store.Remove(Private));
            Assert.False(store.Remove(Private));
            Assert.Null(store.Find(Private));
        }

        [Fact]
        public void Store_OfADamagedFile_SaysSo_WithoutItsContent()
        {
            var store = new RegistryLoginStore(state.Path);
            Directory.CreateDirectory(state.Path);
            File.WriteAllText(store.FilePath, "{\"auths\":{\"x\":{\"auth\":\"not base64 s3cret\"}}}");

            SwarmException failure = Assert.Throws<SwarmException>(() => store.List());

            Assert.Equal("RegistryLoginsInvalid", failure.ErrorId);
            Assert.DoesNotContain("s3cret", failure.Message, StringComparison.Ordinal);
        }

        [Fact]
        public async Task Create_OfAnImageTheRegistryHas_PinsTheDigest_SendsTheLogin_AndAsksNoNode()
        {
            cluster.Swarm.RegistryImages[Private + "/team/app:1.2"] = Digest;
            cluster.Swarm.RegistryPasswords[Private] = "ci:s3cret";
            var reporter = new RecordingReporter();

            await Workloads().CreateAsync(await cluster.ResolveAsync(), Request("app", Private + "/team/app:1.2", new RegistryLogin(string.Empty, "ci", "s3cret")), reporter, CancellationToken.None);

            ServiceSpec spec = Assert.Single(cluster.Swarm.CreatedSpecs);
            Assert.Equal(Private + "/team/app:1.2@" + Digest, spec.TaskTemplate!.ContainerSpec!.Image);
            RegistryLogin sent = Assert.Single(cluster.Swarm.SentLogins)!;
            Assert.Equal((Private, "ci", "s3cret"), (sent.Registry, sent.UserName, sent.Password));
            Assert.Equal(0, cluster.SsdWorker.CountOf("InspectImage") + cluster.PlainWorker.CountOf("InspectImage"));
            Assert.DoesNotContain("s3cret", reporter.All, StringComparison.Ordinal);
        }

        [Fact]
        public async Task Create_WithoutACredential_UsesTheLoginSavedForThatRegistry()
        {
            cluster.Swarm.RegistryImages[Private + "/team/app:latest"] = Digest;
            cluster.Swarm.RegistryPasswords[Private] = "ci:s3cret";
            var saved = new RegistryLoginStore(state.Path);
            saved.Save(new RegistryLogin(Private, "ci", "s3cret"));

            await Workloads(saved).CreateAsync(await cluster.ResolveAsync(), Request("app", Private + "/team/app", null), NullReporter.Instance, CancellationToken.None);

            Assert.Equal("ci", Assert.Single(cluster.Swarm.SentLogins)!.UserName);
            Assert.EndsWith("@" + Digest, Assert.Single(cluster.Swarm.CreatedSpecs).TaskTemplate!.ContainerSpec!.Image, StringComparison.Ordinal);
        }

        [Fact]
        public async Task Create_WithAWrongPassword_IsRegistryAuthFailed_NamingNoPassword_AndCreatesNothing()
        {
            cluster.Swarm.RegistryImages[Private + "/team/app:1.2"] = Digest;
            cluster.Swarm.RegistryPasswords[Private] = "ci:s3cret";
            cluster.SsdWorker.Images.Add(Private + "/team/app:1.2");

            SwarmException failure = await Assert.ThrowsAsync<SwarmException>(async () => await Workloads().CreateAsync(
                await cluster.ResolveAsync(), Request("app", Private + "/team/app:1.2", new RegistryLogin(string.Empty, "ci", "wrong-pw")), NullReporter.Instance, CancellationToken.None));

            Assert.Equal("RegistryAuthFailed", failure.ErrorId);
            Assert.Equal(SwarmErrorKind.SecurityError, failure.Kind);
            Assert.Equal("app", failure.Target);
            Assert.DoesNotContain("wrong-pw", failure.Message, StringComparison.Ordinal);
            Assert.Empty(cluster.Swarm.CreatedSpecs);
        }

        [Fact]
        public async Task Create_OfATagTheRegistryLacks_AndNoNodeHas_IsImageNotFound_WithTheRegistrysAnswer()
        {
            cluster.Swarm.RegistryImages[Private + "/team/app:1.2"] = Digest;

            SwarmException failure = await Assert.ThrowsAsync<SwarmException>(async () => await Workloads().CreateAsync(
                await cluster.ResolveAsync(), Request("app", Private + "/team/app:1.3", null), NullReporter.Instance, CancellationToken.None));

            Assert.Equal("ImageNotFound", failure.ErrorId);
            Assert.Contains("manifest unknown", failure.Message, StringComparison.Ordinal);
            Assert.Contains(Private, failure.Message, StringComparison.Ordinal);
            Assert.Empty(cluster.Swarm.CreatedSpecs);
        }

        [Fact]
        public async Task Create_OfALocalOnlyImage_WhenTheRegistryCannotBeReached_RunsTheNodesCopy_Unpinned_WithAWarning()
        {
            cluster.SsdWorker.Images.Add("swarmps/busybox:latest");
            cluster.PlainWorker.Images.Add("swarmps/busybox:latest");
            cluster.Manager.Images.Add("swarmps/busybox:latest");
            var reporter = new RecordingReporter();

            await Workloads().CreateAsync(await cluster.ResolveAsync(), Request("box", "swarmps/busybox", null), reporter, CancellationToken.None);

            Assert.Equal("swarmps/busybox", Assert.Single(cluster.Swarm.CreatedSpecs).TaskTemplate!.ContainerSpec!.Image);
            Assert.Null(Assert.Single(cluster.Swarm.SentLogins));
            Assert.Contains(reporter.Warnings, w => w.Contains("to record its digest", StringComparison.Ordinal));
        }

        [Fact]
        public async Task Create_OfAnImageOnNoNode_WhenTheRegistryCannotBeReached_SaysToCopyIt()
        {
            SwarmException failure = await Assert.ThrowsAsync<SwarmException>(async () => await Workloads().CreateAsync(
                await cluster.ResolveAsync(), Request("box", "swarmps/missing", null), NullReporter.Instance, CancellationToken.None));

            Assert.Equal("ImageNotFound", failure.ErrorId);
            Assert.Contains("could not be asked", failure.Message, StringComparison.Ordinal);
            Assert.Contains("Copy-SwarmImage", failure.Message, StringComparison.Ordinal);
        }

        [Fact]
        public async Task Update_ToAnImageTheRegistryHas_PinsIt_AndTheSameAgainChangesNothing()
        {
            cluster.Manager.Images.Add("swarmps/busybox:latest");
            cluster.SsdWorker.Images.Add("swarmps/busybox:latest");
            cluster.PlainWorker.Images.Add("swarmps/busybox:latest");
            cluster.Swarm.RegistryImages[Private + "/team/app:2"] = Digest;
            await Workloads().CreateAsync(await cluster.ResolveAsync(), Request("app", "swarmps/busybox", null), NullReporter.Instance, CancellationToken.None);
            var updater = new ContainerUpdater { SavedLogin = _ => null };
            var change = new ContainerSettings { Image = Private + "/team/app:2" };

            ContainerChangePlan plan = await updater.PlanUpdateAsync(await cluster.ResolveAsync(), "app", change, NullReporter.Instance, CancellationToken.None);
            Assert.Contains(plan.Changes, c => c.Field == "Image" && c.After == Private + "/team/app:2@" + Digest);
            await updater.ApplyAsync(await cluster.ResolveAsync(), plan, noWait: true, TimeSpan.FromSeconds(5), NullReporter.Instance, CancellationToken.None);

            ContainerChangePlan again = await updater.PlanUpdateAsync(await cluster.ResolveAsync(), "app", change, NullReporter.Instance, CancellationToken.None);
            Assert.False(again.NeedsChange);
        }

        private WorkloadService Workloads(RegistryLoginStore? saved = null)
        {
            RegistryLoginStore store = saved ?? new RegistryLoginStore(state.Path);
            return new WorkloadService { SavedLogin = store.Find };
        }

        private static ContainerRequest Request(string name, string image, RegistryLogin? credential) => new ContainerRequest
        {
            Name = name,
            Image = image,
            NoWait = true,
            StartTimeout = TimeSpan.FromSeconds(5),
            Settings = new ContainerSettings { RegistryCredential = credential },
        };
    }
}
