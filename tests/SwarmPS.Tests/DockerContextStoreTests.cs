using System;
using System.IO;
using System.Text.Json.Nodes;
using SwarmPS.Engine.Context;
using SwarmPS.Tests.Fakes;
using Xunit;

namespace SwarmPS.Tests
{
    /// <summary>The Docker CLI context store as docker/cli lays it out (checked against docker context create's own files).</summary>
    public sealed class DockerContextStoreTests : IDisposable
    {
        private const string Ca = "-----BEGIN CERTIFICATE-----\nCA\n-----END CERTIFICATE-----\n";
        private const string Cert = "-----BEGIN CERTIFICATE-----\nCLIENT\n-----END CERTIFICATE-----\n";
        private const string Key = "-----BEGIN PRIVATE KEY-----\nKEY\n-----END PRIVATE KEY-----\n";

        private readonly TemporaryDirectory root = new TemporaryDirectory();

        public void Dispose() => root.Dispose();

        private DockerContextStore Store => new DockerContextStore(Path.Combine(root.Path, "docker"));

        private static DockerContextSpec Tcp(string name = "prod") => new DockerContextSpec(name, "prod", "tcp://10.0.0.1:2376", Ca, Cert, Key);

        [Fact]
        public void IdOfAName_IsItsSha256InHex_AsTheDockerCliNamesTheFolder()
        {
            // echo -n foo | sha256sum; docker context create foo made contexts/meta/2c26b4.../
            Assert.Equal("2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae", DockerContextStore.IdOf("foo"));
        }

        [Fact]
        public void Write_OfATcpContext_LaysOutMetaAndTlsFiles_WithPrivateModes()
        {
            DockerContextStore store = Store;
            Assert.True(store.Write(Tcp(), use: false));

            string id = DockerContextStore.IdOf("prod");
            string meta = Path.Combine(root.Path, "docker", "contexts", "meta", id, "meta.json");
            JsonNode json = JsonNode.Parse(File.ReadAllText(meta))!;
            Assert.Equal("prod", json["Name"]!.GetValue<string>());
            Assert.Equal("tcp://10.0.0.1:2376", json["Endpoints"]!["docker"]!["Host"]!.GetValue<string>());
            Assert.False(json["Endpoints"]!["docker"]!["SkipTLSVerify"]!.GetValue<bool>());
            Assert.Equal("prod", json["Metadata"]![DockerContextStore.ClusterField]!.GetValue<string>());

            string tls = Path.Combine(root.Path, "docker", "contexts", "tls", id, "docker");
            Assert.Equal(Ca, File.ReadAllText(Path.Combine(tls, "ca.pem")));
            Assert.Equal(Cert, File.ReadAllText(Path.Combine(tls, "cert.pem")));
            Assert.Equal(Key, File.ReadAllText(Path.Combine(tls, "key.pem")));
            if (!OperatingSystem.IsWindows())
            {
                var privateFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;
                var privateFolder = privateFile | UnixFileMode.UserExecute;
                foreach (string file in new[] { "ca.pem", "cert.pem", "key.pem" })
                {
                    Assert.Equal(privateFile, File.GetUnixFileMode(Path.Combine(tls, file)));
                }

                Assert.Equal(privateFolder, File.GetUnixFileMode(tls));
                Assert.Equal(privateFolder, File.GetUnixFileMode(Path.GetDirectoryName(tls)!));
            }

            Assert.False(File.Exists(store.ConfigFile));
        }

        [Fact]
        public void Write_Again_ChangesNothing_AndPlansNothing()
        {
            DockerContextStore store = Store;
            store.Write(Tcp(), use: true);
            DateTime written = File.GetLastWriteTimeUtc(store.MetaFileOf("prod"));

            Assert.Empty(store.Plan(Tcp(), use: true));
            Assert.False(store.Write(Tcp(), use: true));
            Assert.Equal(written, File.GetLastWriteTimeUtc(store.MetaFileOf("prod")));
        }

        [Fact]
        public void Plan_SaysWhatDiffers_AndAKeyMadeReadableIsRewritten()
        {
            DockerContextStore store = Store;
            store.Write(Tcp(), use: false);

            var moved = new DockerContextSpec("prod", "prod", "tcp://10.0.0.2:2376", Ca, Cert, Key);
            Assert.Contains(store.Plan(moved, use: false), change => change.Contains("update context 'prod' to tcp://10.0.0.2:2376", StringComparison.Ordinal));
            Assert.Contains(store.Plan(Tcp(), use: true), change => change.Contains("current context", StringComparison.Ordinal));

            if (!OperatingSystem.IsWindows())
            {
                string key = Path.Combine(store.EndpointTlsDirectoryOf("prod"), "key.pem");
                File.SetUnixFileMode(key, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);
                Assert.Single(store.Plan(Tcp(), use: false));
                Assert.True(store.Write(Tcp(), use: false));
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(key));
            }
        }

        [Fact]
        public void Use_SetsCurrentContext_KeepingTheOtherKeysOfConfigJson()
        {
            DockerContextStore store = Store;
            Directory.CreateDirectory(store.ConfigDirectory);
            File.WriteAllText(store.ConfigFile, "{\n\t\"auths\": { \"registry.example:5000\": { \"auth\": \"eA==\" } },\n\t\"currentContext\": \"other\",\n\t\"psFormat\": \"{{.Names}}\"\n}");

            store.Write(Tcp(), use: true);

            JsonNode config = JsonNode.Parse(File.ReadAllText(store.ConfigFile))!;
            Assert.Equal("prod", config["currentContext"]!.GetValue<string>());
            Assert.Equal("eA==", config["auths"]!["registry.example:5000"]!["auth"]!.GetValue<string>());
            Assert.Equal("{{.Names}}", config["psFormat"]!.GetValue<string>());
            Assert.Equal("prod", store.CurrentContext);
        }

        [Fact]
        public void Use_WithADamagedConfigJson_IsDockerConfigInvalid_AndWritesNothing()
        {
            DockerContextStore store = Store;
            Directory.CreateDirectory(store.ConfigDirectory);
            File.WriteAllText(store.ConfigFile, "{ not json");

            SwarmException failure = Assert.Throws<SwarmException>(() => store.Write(Tcp(), use: true));

            Assert.Equal("DockerConfigInvalid", failure.ErrorId);
            Assert.False(store.Exists("prod"));
            Assert.Equal("{ not json", File.ReadAllText(store.ConfigFile));
        }

        [Fact]
        public void SshContext_HasNoTlsFiles_AndDropsOnesLeftFromATcpContext()
        {
            DockerContextStore store = Store;
            store.Write(Tcp(), use: false);
            var ssh = new DockerContextSpec("prod", "prod", "ssh://core@10.0.0.1", null, null, null);

            Assert.Contains(store.Plan(ssh, use: false), change => change.Contains("remove the TLS files", StringComparison.Ordinal));
            store.Write(ssh, use: false);

            Assert.False(Directory.Exists(store.TlsDirectoryOf("prod")));
            Assert.Equal("ssh://core@10.0.0.1", store.HostOf("prod"));
            Assert.Empty(store.Plan(ssh, use: false));
        }

        [Fact]
        public void Remove_DeletesMetaAndTls_AndResetsTheCurrentContextThatPointedThere()
        {
            DockerContextStore store = Store;
            store.Write(Tcp("prod"), use: false);
            store.Write(Tcp("prod-b"), use: true);

            Assert.True(store.Remove("prod-b"));

            Assert.False(Directory.Exists(store.MetaDirectoryOf("prod-b")));
            Assert.False(Directory.Exists(store.TlsDirectoryOf("prod-b")));
            Assert.Null(store.CurrentContext);
            Assert.DoesNotContain("currentContext", File.ReadAllText(store.ConfigFile), StringComparison.Ordinal);
            Assert.True(store.Exists("prod"));
            Assert.False(store.Remove("prod-b"));
        }

        [Fact]
        public void ClusterOf_IsNullForAContextSwarmPSDidNotWrite()
        {
            DockerContextStore store = Store;
            Directory.CreateDirectory(store.MetaDirectoryOf("mine"));
            File.WriteAllText(store.MetaFileOf("mine"), "{\"Name\":\"mine\",\"Metadata\":{},\"Endpoints\":{\"docker\":{\"Host\":\"unix:///var/run/docker.sock\",\"SkipTLSVerify\":false}}}");
            store.Write(Tcp(), use: false);

            Assert.Null(store.ClusterOf("mine"));
            Assert.Equal("prod", store.ClusterOf("prod"));
        }

        [Fact]
        public void EmptyTlsTexts_MeanNoTls_AsPowerShellPassesThemForNull()
        {
            var spec = new DockerContextSpec("ssh-lab", "lab", "ssh://core@10.0.0.1", string.Empty, string.Empty, string.Empty);
            Assert.False(spec.HasTls);
            Store.Write(spec, use: false);
            Assert.False(Directory.Exists(Store.TlsDirectoryOf("ssh-lab")));
            Assert.Throws<ArgumentException>(() => new DockerContextSpec("x1", "lab", "tcp://10.0.0.1:2376", Ca, null, Key));
        }

        [Theory]
        [InlineData("default")]
        [InlineData("x")]
        [InlineData("-lead")]
        [InlineData("has space")]
        [InlineData("../escape")]
        public void InvalidContextNames_AreRefused(string name)
        {
            Assert.Equal("DockerContextNameInvalid", Assert.Throws<SwarmException>(() => DockerContextStore.ValidateName(name)).ErrorId);
        }

        [Fact]
        public void DefaultConfigDirectory_FollowsDockerConfig()
        {
            string? saved = Environment.GetEnvironmentVariable(DockerContextStore.ConfigVariable);
            try
            {
                Environment.SetEnvironmentVariable(DockerContextStore.ConfigVariable, root.Path);
                Assert.Equal(Path.GetFullPath(root.Path), DockerContextStore.DefaultConfigDirectory);
                Environment.SetEnvironmentVariable(DockerContextStore.ConfigVariable, null);
                Assert.EndsWith(Path.DirectorySeparatorChar + ".docker", DockerContextStore.DefaultConfigDirectory, StringComparison.Ordinal);
            }
            finally
            {
                Environment.SetEnvironmentVariable(DockerContextStore.ConfigVariable, saved);
            }
        }
    }
}
