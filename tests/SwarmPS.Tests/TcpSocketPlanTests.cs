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
        public async Task Plan_OfAHostWithout_SystemdOrDockerd_IsRefused_AfterTheProbeAlone(string missing, string errorId)
        {
            shell.Facts[missing] = "no";

            SwarmException failure = await Assert.ThrowsAsync<SwarmException>(() => PlanAsync(Insecure(Ssd)));

            Assert.Equal(errorId, failure.ErrorId);
            Assert.Equal(SwarmErrorKind.NotInstalled, failure.Kind);
            Assert.Equal("core-01", failure.Target);
            Assert.Equal(1, shell.RoundTrips);
            Assert.Empty(shell.Commands);
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
            Assert.Equal(1, shell.RoundTrips);
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
        public async Task Plan_OfALabelChange_NamesTheLabel_AndAReload_ButNotTheUnit()
        {
            var live = new Dictionary<string, string> { ["storage"] = "ssd", ["zone"] = "a" };
            ConfigureInsecure(daemonJson: "{\"labels\": [\"storage=ssd\", \"zone=a\"]}", live: live);

            TcpSocketPlan plan = await PlanAsync(Insecure(new Dictionary<string, string> { ["storage"] = "hdd" }));

            Assert.True(plan.NeedsChange);
            Assert.Equal(EngineAction.Reload, plan.Engine);
            Assert.Equal(new[] { "write /etc/docker/daemon.json with labels storage=hdd", "reload the Docker engine (running containers keep running)" }, plan.Changes);
            Assert.Equal(new Dictionary<string, string> { ["storage"] = "hdd", ["zone"] = "a" }, plan.ExpectedLabels);
            Assert.Empty(shell.Writes);
            Assert.Equal(1, shell.RoundTrips);
        }

        [Fact]
        public async Task Plan_OfALabelChange_WithTlsSettingsToAdd_IsARestart()
        {
            // The file lacks the TLS settings the engine needs: dockerd reads those only when it starts.
            ConfigureInsecure(daemonJson: "{\"labels\": [\"storage=ssd\"]}", live: Ssd);
            shell.Files[RemotePaths.SocketUnit] = SystemdUnits.DockerTcpSocket(RemotePaths.TlsPort);

            TcpSocketPlan plan = await PlanAsync(new TcpSocketRequest(Ssd, insecure: false, force: false), CertificateAuthority.LoadOrCreate(state.Path));

            Assert.Equal(EngineAction.Restart, plan.Engine);
            Assert.Equal("restart the Docker engine", plan.Changes.Last());
        }

        [Fact]
        public async Task Apply_OfALabelChange_WithContainersRunning_ReloadsWithoutForce_InOneRoundTrip_AndOneConnection()
        {
            using var api = new FakeEngineApi { Labels = new[] { "storage=hdd", "zone=a" } };
            var host = new FakeRemoteShell("core-01", "127.0.0.1");
            host.Files[RemotePaths.DaemonJson] = "{\"labels\": [\"storage=ssd\", \"zone=a\"]}";
            host.Files[RemotePaths.SocketUnit] = SystemdUnits.DockerTcpSocket(api.Port);
            host.Facts["socket_enabled"] = "enabled";
            host.Facts["socket_active"] = "active";
            host.Facts["running"] = "3";
            host.SetLiveLabels(new Dictionary<string, string> { ["storage"] = "ssd", ["zone"] = "a" });
            var request = new TcpSocketRequest(new Dictionary<string, string> { ["storage"] = "hdd" }, insecure: true, force: false) { PortOverride = api.Port };
            var service = Service();

            TcpSocketPlan plan = await service.PlanAsync(host, request, NullReporter.Instance, CancellationToken.None);
            using DockerConnection connection = await service.ApplyAsync(plan, NullReporter.Instance, CancellationToken.None);

            Assert.Equal(EngineAction.Reload, plan.Engine);
            Assert.DoesNotContain(plan.Changes, c => c.Contains("restart", StringComparison.Ordinal));
            Assert.Equal(2, host.RoundTrips);
            string apply = Assert.Single(host.Commands);
            Assert.Contains("why=$(reload_engine 2>&1)", apply, StringComparison.Ordinal);
            Assert.DoesNotContain("why=$(restart_engine", apply, StringComparison.Ordinal);
            Assert.Equal(new[] { RemotePaths.DaemonJson, RemotePaths.WrittenDaemonJson }, host.Writes);
            Assert.Contains("storage=hdd", host.Files[RemotePaths.DaemonJson], StringComparison.Ordinal);
            Assert.Equal(new[] { "/version", "/v1.41/info" }, api.Requests);
            Assert.Equal("hdd", (await connection.GetLabelsAsync(CancellationToken.None))["storage"]);
        }

        [Fact]
        public async Task Apply_OfAFreshHost_WithContainersRunning_IsRefusedWithoutForce_BeforeAnythingRuns()
        {
            shell.Facts["running"] = "2";
            var service = Service();
            TcpSocketPlan plan = await service.PlanAsync(shell, Insecure(Ssd), NullReporter.Instance, CancellationToken.None);

            SwarmException refused = await Assert.ThrowsAsync<SwarmException>(() => service.ApplyAsync(plan, NullReporter.Instance, CancellationToken.None));

            Assert.Equal("ContainersRunning", refused.ErrorId);
            Assert.Equal("restart the Docker engine (stops 2 running container(s))", plan.Changes.Last());
            Assert.Equal(1, shell.RoundTrips);
            Assert.Empty(shell.Commands);
        }

        [Fact]
        public async Task Apply_WithTls_SendsEveryFile_TheKeyAmongThem_OnStdin_InOneRoundTrip()
        {
            CertificateAuthority authority = CertificateAuthority.LoadOrCreate(state.Path);
            var service = Service(authority);
            TcpSocketPlan plan = await service.PlanAsync(shell, new TcpSocketRequest(Ssd, insecure: false, force: false), NullReporter.Instance, CancellationToken.None);
            shell.ApplyExitCode = ApplyScript.EngineFailedExit;
            shell.ApplyError = "restarting the engine failed: Job for docker.service failed.";
            shell.ApplyOutput = "journal: dockerd[81]: failed to load listeners\njournal: systemd[1]: docker.service: Failed\n";

            SwarmException failed = await Assert.ThrowsAsync<SwarmException>(() => service.ApplyAsync(plan, NullReporter.Instance, CancellationToken.None));

            Assert.Equal("EngineRestartFailed", failed.ErrorId);
            Assert.Contains("Job for docker.service failed", failed.Message, StringComparison.Ordinal);
            Assert.Contains("dockerd[81]: failed to load listeners" + Environment.NewLine + "systemd[1]: docker.service: Failed", failed.Message, StringComparison.Ordinal);
            Assert.Contains("restored and the engine restarted", failed.Message, StringComparison.Ordinal);
            Assert.Equal(2, shell.RoundTrips);
            string apply = Assert.Single(shell.Commands);
            Assert.DoesNotContain("PRIVATE KEY", apply, StringComparison.Ordinal);
            Assert.DoesNotContain("CERTIFICATE", apply, StringComparison.Ordinal);
            Assert.Contains($"put '{RemotePaths.ServerKey}' 0600", apply, StringComparison.Ordinal);
            Assert.Contains("PRIVATE KEY", shell.Files[RemotePaths.ServerKey], StringComparison.Ordinal);
            Assert.Equal(plan.NewServerCertificate!.PrivateKeyPem, shell.Files[RemotePaths.ServerKey]);
            Assert.Equal(new[] { RemotePaths.CaCertificate, RemotePaths.ServerCertificate, RemotePaths.ServerKey, RemotePaths.DaemonJson, RemotePaths.WrittenDaemonJson, RemotePaths.SocketUnit }, shell.Writes);
        }

        [Theory]
        [InlineData(ApplyScript.BackupFailedExit, "BackupFailed", "Nothing was changed")]
        [InlineData(ApplyScript.WriteFailedExit, "ConfigurationWriteFailed", "the engine was not restarted")]
        public async Task Apply_ThatFailsBeforeTheEngine_NamesTheStep(int exit, string errorId, string said)
        {
            var service = Service();
            TcpSocketPlan plan = await service.PlanAsync(shell, Insecure(Ssd), NullReporter.Instance, CancellationToken.None);
            shell.ApplyExitCode = exit;
            shell.ApplyError = "Writing /etc/docker/daemon.json on the host failed.\n";

            SwarmException failed = await Assert.ThrowsAsync<SwarmException>(() => service.ApplyAsync(plan, NullReporter.Instance, CancellationToken.None));

            Assert.Equal(errorId, failed.ErrorId);
            Assert.Equal("core-01", failed.Target);
            Assert.Contains(said, failed.Message, StringComparison.Ordinal);
            Assert.Equal(2, shell.RoundTrips);
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

        private DockerTcpSocketService Service(CertificateAuthority? authority = null) =>
            new DockerTcpSocketService(authority, new EngineOpener(sessions, () => throw new InvalidOperationException("No client identity in these tests.")));

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
