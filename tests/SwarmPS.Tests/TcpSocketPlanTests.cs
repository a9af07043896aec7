using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using SwarmPS.Engine.Docker;
using SwarmPS.Engine.Provisioning;
using SwarmPS.Engine.Sessions;
using SwarmPS.Engine.Tls;
using SwarmPS.Tests.Fakes;
using Xunit;

namespace SwarmPS.Tests
{
    /// <summary>Enable-DockerTcpSocket's plan over a canned host: what it refuses, what it would change, and that planning changes nothing.</summary>
    public sealed class TcpSocketPlanTests : IDisposable
    {
        private static readonly IReadOnlyDictionary<string, string> Ssd = new Dictionary<string, string> { ["storage"] = "ssd" };

        private readonly TemporaryDirectory state = new TemporaryDirectory();
        private readonly SessionStore sessions = new SessionStore();
        private readonly FakeRemoteShell shell = new FakeRemoteShell("core-01", "10.0.0.1");

        public void Dispose()
        {
            sessions.Dispose();
            state.Dispose();
        }

        [Theory]
        [InlineData("systemd", "SystemdNotFound")]
        [InlineData("dockerd", "DockerNotInstalled")]
        public async Task Plan_OfAHostWithout_SystemdOrDockerd_IsRefused_BeforeReadingAnyFile(string missing, string errorId)
        {
            shell.Facts[missing] = "no";

            SwarmException failure = await Assert.ThrowsAsync<SwarmException>(() => PlanAsync(Insecure(Ssd)));

            Assert.Equal(errorId, failure.ErrorId);
            Assert.Equal(SwarmErrorKind.NotInstalled, failure.Kind);
            Assert.Equal("core-01", failure.Target);
            Assert.Empty(shell.Read);
            Assert.Empty(shell.Writes);
        }

        [Fact]
        public async Task Plan_WithHostsInDaemonJson_FailsWithDaemonJsonHostsConflict()
        {
            shell.Files[RemotePaths.DaemonJson] = "{ \"hosts\": [\"unix:///var/run/docker.sock\", \"tcp://0.0.0.0:2375\"] }";

            SwarmException failure = await Assert.ThrowsAsync<SwarmException>(() => PlanAsync(Insecure(Ssd)));

            Assert.Equal("DaemonJsonHostsConflict", failure.ErrorId);
            Assert.Equal(SwarmErrorKind.InvalidData, failure.Kind);
            Assert.Contains("\"tcp://0.0.0.0:2375\"", failure.Message, StringComparison.Ordinal);
            Assert.Empty(shell.Writes);
        }

        [Fact]
        public async Task Plan_OfAFreshHost_ListsEveryChange_AndWritesOrRunsNothing()
        {
            TcpSocketPlan plan = await PlanAsync(Insecure(Ssd));

            Assert.Equal(
                new[]
                {
                    "write /etc/docker/daemon.json with labels storage=ssd",
                    "install /etc/systemd/system/docker-tcp.socket listening on TCP 2375",
                    "enable and start docker-tcp.socket",
                    "restart the Docker engine",
                },
                plan.Changes);
            Assert.Equal(Ssd, plan.ExpectedLabels);
            Assert.Empty(shell.Writes);
            Assert.Empty(shell.Commands);
            Assert.Equal(1, shell.Probes);
        }

        [Fact]
        public async Task Plan_OfAHostAlreadyConfigured_Insecure_NeedsNoChange()
        {
            ConfigureInsecure(daemonJson: "{\n  \"log-driver\": \"json-file\",\n  \"labels\": [\"storage=ssd\"]\n}\n", live: Ssd);

            TcpSocketPlan plan = await PlanAsync(Insecure(Ssd));

            Assert.False(plan.NeedsChange);
            Assert.Empty(plan.Changes);
            Assert.Empty(shell.Writes);
        }

        [Fact]
        public async Task Plan_OfALabelChange_NamesTheLabel_AndARestart_ButNotTheUnit()
        {
            var live = new Dictionary<string, string> { ["storage"] = "ssd", ["zone"] = "a" };
            ConfigureInsecure(daemonJson: "{\"labels\": [\"storage=ssd\", \"zone=a\"]}", live: live);

            TcpSocketPlan plan = await PlanAsync(Insecure(new Dictionary<string, string> { ["storage"] = "hdd" }));

            Assert.True(plan.NeedsChange);
            Assert.Equal(new[] { "write /etc/docker/daemon.json with labels storage=hdd", "restart the Docker engine" }, plan.Changes);
            Assert.Equal(new Dictionary<string, string> { ["storage"] = "hdd", ["zone"] = "a" }, plan.ExpectedLabels);
            Assert.Empty(shell.Writes);
        }

        [Fact]
        public async Task Plan_WithTls_OfAFreshHost_InstallsTheCaAndAServerCertificate_WithoutReadingOrWritingTheKey()
        {
            CertificateAuthority authority = CertificateAuthority.LoadOrCreate(state.Path);

            TcpSocketPlan plan = await PlanAsync(new TcpSocketRequest(Ssd, insecure: false, force: false), authority);

            Assert.Equal(
                new[]
                {
                    "write /etc/docker/daemon.json with labels storage=ssd and TLS verification",
                    "install /etc/systemd/system/docker-tcp.socket listening on TCP 2376",
                    "install the SwarmPS CA certificate in /etc/docker/swarmps/ca.pem",
                    "install a server certificate for core-01 in /etc/docker/swarmps/server-cert.pem",
                    "enable and start docker-tcp.socket",
                    "restart the Docker engine",
                },
                plan.Changes);
            Assert.DoesNotContain(RemotePaths.ServerKey, shell.Read);
            Assert.Contains(RemotePaths.ServerKey, shell.Probed);
            Assert.Empty(shell.Writes);
        }

        [Fact]
        public async Task Plan_WithTls_OfAHostAlreadyConfigured_KeepsItsCertificate_AndNeedsNoChange()
        {
            CertificateAuthority authority = CertificateAuthority.LoadOrCreate(state.Path);
            IssuedCertificate server = authority.IssueServerCertificate("core-01", new[] { "core-01" }, new[] { IPAddress.Parse("10.0.0.1") });
            shell.Files[RemotePaths.CaCertificate] = authority.CertificatePem;
            shell.Files[RemotePaths.ServerCertificate] = server.CertificatePem;
            shell.Files[RemotePaths.ServerKey] = server.PrivateKeyPem;
            shell.Files[RemotePaths.SocketUnit] = SystemdUnits.DockerTcpSocket(RemotePaths.TlsPort);
            shell.Files[RemotePaths.DaemonJson] =
                "{\"labels\": [\"storage=ssd\"], \"tlsverify\": true, \"tlscacert\": \"/etc/docker/swarmps/ca.pem\", " +
                "\"tlscert\": \"/etc/docker/swarmps/server-cert.pem\", \"tlskey\": \"/etc/docker/swarmps/server-key.pem\"}";
            MarkSocketLive(Ssd);

            TcpSocketPlan plan = await PlanAsync(new TcpSocketRequest(Ssd, insecure: false, force: false), authority);

            Assert.Empty(plan.Changes);
            Assert.Null(plan.NewServerCertificate);
            Assert.False(plan.CaChanges);
            Assert.DoesNotContain(RemotePaths.ServerKey, shell.Read);
        }

        private static TcpSocketRequest Insecure(IReadOnlyDictionary<string, string> labels) => new TcpSocketRequest(labels, insecure: true, force: false);

        private Task<TcpSocketPlan> PlanAsync(TcpSocketRequest request, CertificateAuthority? authority = null) =>
            new DockerTcpSocketService(authority, new EngineOpener(sessions, () => throw new InvalidOperationException("Planning needs no client identity.")))
                .PlanAsync(shell, request, NullReporter.Instance, CancellationToken.None);

        private void ConfigureInsecure(string daemonJson, IReadOnlyDictionary<string, string> live)
        {
            shell.Files[RemotePaths.DaemonJson] = daemonJson;
            shell.Files[RemotePaths.SocketUnit] = SystemdUnits.DockerTcpSocket(RemotePaths.InsecurePort);
            MarkSocketLive(live);
        }

        private void MarkSocketLive(IReadOnlyDictionary<string, string> live)
        {
            shell.Facts["socket_enabled"] = "enabled";
            shell.Facts["socket_active"] = "active";
            shell.SetLiveLabels(live);
        }
    }
}
