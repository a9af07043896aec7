using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using SwarmPS.Engine.Cluster;
using SwarmPS.Engine.Docker;
using SwarmPS.Engine.Provisioning;
using SwarmPS.Engine.Sessions;
using SwarmPS.Engine.Ssh;
using SwarmPS.Tests.Fakes;
using Xunit;

namespace SwarmPS.Tests
{
    /// <summary>Clusters whose members are reached over SSH only, and engine labels set over SSH.</summary>
    public sealed class SshOnlyClusterTests : IDisposable
    {
        private readonly TemporaryDirectory state = new TemporaryDirectory();

        public void Dispose() => state.Dispose();

        private static ClusterMember SshMember(string name, string address) => new ClusterMember
        {
            Name = name,
            Address = address,
            Transport = "Ssh",
            SshPort = 2222,
            SshUser = "core",
            KeyFile = "/home/me/keys/lab key",
            NodeId = "node-" + name,
        };

        [Fact]
        public void SshMember_RoundTripsThroughTheClusterFile_WithItsLogin_AndNoSecret()
        {
            var repository = new ClusterRepository(state.Path);
            repository.Save(new ClusterRecord { Name = "sshonly", Members = { SshMember("core-01", "10.0.0.1") } });

            ClusterMember loaded = Assert.Single(repository.Load("sshonly").Members);
            Assert.True(loaded.IsSsh);
            Assert.Equal(2222, loaded.SshPort);
            Assert.Equal("core", loaded.SshUser);
            Assert.Equal("/home/me/keys/lab key", loaded.KeyFile);
            string file = File.ReadAllText(repository.PathOf("sshonly"));
            Assert.Contains("\"transport\": \"Ssh\"", file, StringComparison.Ordinal);
            Assert.DoesNotContain("isSsh", file, StringComparison.OrdinalIgnoreCase);
        }

        [Fact]
        public void MemberSavedBeforeTransportsExisted_ReadsAsTcp()
        {
            var repository = new ClusterRepository(state.Path);
            Directory.CreateDirectory(Path.Combine(state.Path, "clusters"));
            File.WriteAllText(repository.PathOf("old"), "{\"name\":\"old\",\"swarmId\":\"s\",\"members\":[{\"name\":\"core-01\",\"address\":\"10.0.0.1\",\"apiPort\":2376,\"tls\":true,\"nodeId\":\"n1\"}]}");

            ClusterMember member = Assert.Single(repository.Load("old").Members);
            Assert.False(member.IsSsh);
            EngineEndpoint endpoint = EngineOpener.EndpointOf(member);
            Assert.Equal(EngineTransport.Tcp, endpoint.Transport);
            Assert.Equal(2376, endpoint.Port);
            Assert.True(endpoint.Tls);
        }

        [Fact]
        public void EndpointOfAnSshMember_IsTheSshSession_WithTheSavedLogin()
        {
            EngineEndpoint endpoint = EngineOpener.EndpointOf(SshMember("core-01", "10.0.0.1"));

            Assert.Equal(EngineTransport.Ssh, endpoint.Transport);
            Assert.Equal("10.0.0.1", endpoint.Address);
            Assert.Equal(2222, endpoint.Port);
            Assert.False(endpoint.Tls);
            Assert.Equal("Connect-SwarmHost -HostName core-01 -UserName core -Port 2222 -KeyFile '/home/me/keys/lab key'", endpoint.ConnectCommand());
        }

        [Fact]
        public void ConnectCommand_LeavesOutWhatIsNotKnown_AndTheDefaultPort()
        {
            Assert.Equal("Connect-SwarmHost -HostName 10.0.0.7", EngineEndpoint.Ssh("10.0.0.7", "10.0.0.7", 22).ConnectCommand());
            Assert.Equal("Connect-SwarmHost -HostName 'it''s' -UserName core", EngineEndpoint.Ssh("it's", "10.0.0.7", 22, "core").ConnectCommand());
        }

        [Fact]
        public async Task OpeningAnSshMemberWithoutItsSession_IsHostNotConnected_NamingTheCommandToRun()
        {
            using var sessions = new SessionStore();
            var opener = new EngineOpener(sessions, () => throw new InvalidOperationException("no TLS on this path"));

            SwarmException failure = await Assert.ThrowsAsync<SwarmException>(() =>
                opener.OpenAsync(EngineOpener.EndpointOf(SshMember("core-02", "10.0.0.2")), NullReporter.Instance, CancellationToken.None));

            Assert.Equal("HostNotConnected", failure.ErrorId);
            Assert.Equal(SwarmErrorKind.ObjectNotFound, failure.Kind);
            Assert.Equal("core-02", failure.Target);
            Assert.Contains("Connect-SwarmHost -HostName core-02 -UserName core -Port 2222 -KeyFile '/home/me/keys/lab key'", failure.Message, StringComparison.Ordinal);
        }

        [Fact]
        public async Task ClusterOfSshMembers_WithNoSessionOpen_SaysHostNotConnected_NotNoManager()
        {
            var repository = new ClusterRepository(state.Path);
            var record = new ClusterRecord { Name = "sshonly", SwarmId = "swarm-1", Members = { SshMember("core-01", "10.0.0.1"), SshMember("core-02", "10.0.0.2") } };
            repository.Save(record);
            using var sessions = new SessionStore();
            var opener = new EngineOpener(sessions, () => throw new InvalidOperationException("no TLS on this path"));

            ClusterContext context = await ClusterContext.ResolveAsync(record, repository, opener, NullReporter.Instance, CancellationToken.None);
            SwarmException failure = Assert.Throws<SwarmException>(() => context.RequireManager());

            Assert.Equal("HostNotConnected", failure.ErrorId);
            Assert.Contains("Connect-SwarmHost -HostName core-01 -UserName core", failure.Message, StringComparison.Ordinal);
            Assert.Contains("Connect-SwarmHost -HostName core-02 -UserName core", failure.Message, StringComparison.Ordinal);
        }

        [Fact]
        public async Task ClusterOfTcpMembers_ThatDoNotAnswer_StaysNoManagerReachable()
        {
            var repository = new ClusterRepository(state.Path);
            var record = new ClusterRecord { Name = "tcp", SwarmId = "swarm-1", Members = { new ClusterMember { Name = "core-01", Address = "10.0.0.1", ApiPort = 2376 } } };
            repository.Save(record);
            var engines = new FakeEngineSource();

            ClusterContext context = await ClusterContext.ResolveAsync(record, repository, engines, NullReporter.Instance, CancellationToken.None);

            Assert.Equal("NoManagerReachable", Assert.Throws<SwarmException>(() => context.RequireManager()).ErrorId);
        }

        [Fact]
        public async Task LabelPlan_OfABareHost_WritesDaemonJsonAndReloads_WithoutTouchingTheTcpSocket_InOneRoundTrip()
        {
            var shell = new FakeRemoteShell();
            shell.Files[RemotePaths.DaemonJson] = "{\n  \"log-driver\": \"journald\"\n}\n";

            EngineLabelPlan plan = await new EngineLabelService().PlanAsync(shell, Labels("storage=ssd"), NullReporter.Instance, CancellationToken.None);

            Assert.True(plan.NeedsChange);
            Assert.Equal(2, plan.Changes.Count);
            Assert.Contains("daemon.json with labels storage=ssd", plan.Describe(), StringComparison.Ordinal);
            Assert.Contains("reload", plan.Describe(), StringComparison.Ordinal);
            Assert.DoesNotContain("socket", plan.Describe(), StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("restart", plan.Describe(), StringComparison.OrdinalIgnoreCase);
            Assert.Equal(1, shell.RoundTrips);
            Assert.Equal(new[] { RemotePaths.DaemonJson }, shell.Read);
            Assert.Empty(shell.Commands);
            Assert.Empty(shell.Writes);
        }

        [Fact]
        public async Task LabelApply_IsOneScript_ThatBacksUp_WritesFromStdin_KeepingOtherSettings_ReloadsAndWaitsOnTheHost()
        {
            var shell = new FakeRemoteShell();
            shell.Files[RemotePaths.DaemonJson] = "{\n  \"log-driver\": \"journald\",\n  \"labels\": [\"zone=a\"]\n}\n";
            var service = new EngineLabelService();
            EngineLabelPlan plan = await service.PlanAsync(shell, Labels("storage=ssd"), NullReporter.Instance, CancellationToken.None);

            await service.ApplyAsync(plan, NullReporter.Instance, CancellationToken.None);

            Assert.Equal(2, shell.RoundTrips);
            string apply = Assert.Single(shell.Commands);
            Assert.Equal(new[] { RemotePaths.DaemonJson }, shell.Writes);
            string written = shell.Files[RemotePaths.DaemonJson];
            Assert.Contains("\"log-driver\": \"journald\"", written, StringComparison.Ordinal);
            Assert.Contains("\"zone=a\"", written, StringComparison.Ordinal);
            Assert.Contains("\"storage=ssd\"", written, StringComparison.Ordinal);

            // The content comes on stdin; the script names the path, the backup folder and the labels it waits for.
            Assert.DoesNotContain("journald", apply, StringComparison.Ordinal);
            Assert.Contains($"put '{RemotePaths.DaemonJson}' 0644", apply, StringComparison.Ordinal);
            Assert.Contains("b='/var/lib/swarmps/backup/", apply, StringComparison.Ordinal);
            Assert.Contains("cp -a /etc/docker/daemon.json \"$b/etc_docker_daemon.json\"", apply, StringComparison.Ordinal);
            Assert.Contains("if ! why=$(reload_engine 2>&1)", apply, StringComparison.Ordinal);
            Assert.DoesNotContain("$(restart_engine", apply, StringComparison.Ordinal);
            Assert.Contains("grep -qxF -- 'storage=ssd'", apply, StringComparison.Ordinal);
            Assert.Contains("grep -qxF -- 'zone=a'", apply, StringComparison.Ordinal);
            Assert.Contains("wait_ready || rollback reload_engine", apply, StringComparison.Ordinal);
            Assert.DoesNotContain(RemotePaths.WrittenDaemonJson, apply, StringComparison.Ordinal);
        }

        [Fact]
        public async Task LabelApply_OfAFileAheadOfTheEngine_ReloadsInOneScript_WithoutWriting()
        {
            var shell = new FakeRemoteShell();
            shell.Files[RemotePaths.DaemonJson] = "{\n  \"labels\": [\"storage=ssd\"]\n}\n";
            var service = new EngineLabelService();
            EngineLabelPlan plan = await service.PlanAsync(shell, Labels("storage=ssd"), NullReporter.Instance, CancellationToken.None);

            await service.ApplyAsync(plan, NullReporter.Instance, CancellationToken.None);

            Assert.Equal(2, shell.RoundTrips);
            Assert.Contains("if ! why=$(reload_engine 2>&1)", Assert.Single(shell.Commands), StringComparison.Ordinal);
            Assert.Empty(shell.Writes);
        }

        [Fact]
        public async Task LabelPlan_OfAHostThatHasTheLabels_ChangesNothing()
        {
            var shell = new FakeRemoteShell();
            shell.Files[RemotePaths.DaemonJson] = "{\n  \"labels\": [\"storage=ssd\"]\n}\n";
            shell.SetLiveLabels(new Dictionary<string, string> { ["storage"] = "ssd" });

            EngineLabelPlan plan = await new EngineLabelService().PlanAsync(shell, Labels("storage=ssd"), NullReporter.Instance, CancellationToken.None);

            Assert.False(plan.NeedsChange);
            Assert.Empty(plan.Changes);
            Assert.Equal(1, shell.RoundTrips);
        }

        [Fact]
        public async Task LabelPlan_OfAFileAheadOfTheEngine_OnlyReloads()
        {
            var shell = new FakeRemoteShell();
            shell.Files[RemotePaths.DaemonJson] = "{\n  \"labels\": [\"storage=ssd\"]\n}\n";

            EngineLabelPlan plan = await new EngineLabelService().PlanAsync(shell, Labels("storage=ssd"), NullReporter.Instance, CancellationToken.None);

            Assert.Contains("reload", Assert.Single(plan.Changes), StringComparison.Ordinal);
        }

        [Fact]
        public async Task LabelApply_WhenTheEngineDoesNotTakeTheLabels_IsEngineReloadFailed_WithTheReasonAndTheJournal()
        {
            var shell = new FakeRemoteShell();
            shell.Files[RemotePaths.DaemonJson] = "{}\n";
            var service = new EngineLabelService();
            EngineLabelPlan plan = await service.PlanAsync(shell, Labels("storage=ssd"), NullReporter.Instance, CancellationToken.None);
            shell.ApplyExitCode = ApplyScript.EngineFailedExit;
            shell.ApplyError = "the engine reports labels: zone=a \n";
            shell.ApplyOutput = "journal: dockerd[81]: Reloaded configuration\n";
            var reporter = new RecordingReporter();

            SwarmException failure = await Assert.ThrowsAsync<SwarmException>(() => service.ApplyAsync(plan, reporter, CancellationToken.None));

            Assert.Equal("EngineReloadFailed", failure.ErrorId);
            Assert.Equal(SwarmErrorKind.InvalidOperation, failure.Kind);
            Assert.Equal("core-01", failure.Target);
            Assert.Contains("(the engine reports labels: zone=a)", failure.Message, StringComparison.Ordinal);
            Assert.Contains("restored from /var/lib/swarmps/backup/", failure.Message, StringComparison.Ordinal);
            Assert.Contains("the engine reloaded it", failure.Message, StringComparison.Ordinal);
            Assert.EndsWith(Environment.NewLine + "dockerd[81]: Reloaded configuration", failure.Message, StringComparison.Ordinal);
            Assert.Single(reporter.Warnings);
            Assert.Equal(2, shell.RoundTrips);
        }

        [Theory]
        [InlineData(ApplyScript.BackupFailedExit, "BackupFailed", "Nothing was changed")]
        [InlineData(ApplyScript.WriteFailedExit, "ConfigurationWriteFailed", "the engine was not reloaded")]
        public async Task LabelApply_ThatFailsBeforeTheEngine_NamesTheStep(int exit, string errorId, string said)
        {
            var shell = new FakeRemoteShell();
            var service = new EngineLabelService();
            EngineLabelPlan plan = await service.PlanAsync(shell, Labels("storage=ssd"), NullReporter.Instance, CancellationToken.None);
            shell.ApplyExitCode = exit;
            shell.ApplyError = "Writing /etc/docker/daemon.json on the host failed.\n";

            SwarmException failure = await Assert.ThrowsAsync<SwarmException>(() => service.ApplyAsync(plan, NullReporter.Instance, CancellationToken.None));

            Assert.Equal(errorId, failure.ErrorId);
            Assert.Equal("core-01", failure.Target);
            Assert.Contains("Writing /etc/docker/daemon.json on the host failed.", failure.Message, StringComparison.Ordinal);
            Assert.Contains(said, failure.Message, StringComparison.Ordinal);
            Assert.Equal(2, shell.RoundTrips);
        }

        [Fact]
        public async Task LabelApply_StoppedDuringTheScript_RollsBackAndReloads_WithAnUncancelledToken()
        {
            var shell = new FakeRemoteShell();
            var service = new EngineLabelService();
            EngineLabelPlan plan = await service.PlanAsync(shell, Labels("storage=ssd"), NullReporter.Instance, CancellationToken.None);
            using var stop = new CancellationTokenSource();
            shell.OnCommand = command =>
            {
                if (command.Contains("put() {", StringComparison.Ordinal))
                {
                    stop.Cancel();
                }
            };
            shell.Respond = command => command.Contains(ApplyScript.PidFile, StringComparison.Ordinal) && !command.Contains("put() {", StringComparison.Ordinal)
                ? new RemoteCommandResult(0, "engine=reloaded\n", string.Empty)
                : null;

            SwarmException stopped = await Assert.ThrowsAsync<SwarmException>(() => service.ApplyAsync(plan, NullReporter.Instance, stop.Token));

            Assert.Equal("OperationStopped", stopped.ErrorId);
            Assert.Equal(SwarmErrorKind.OperationStopped, stopped.Kind);
            Assert.Equal("core-01", stopped.Target);
            Assert.Contains("the engine reloaded it", stopped.Message, StringComparison.Ordinal);
            Assert.Equal(2, shell.Commands.Count);
            Assert.Contains("if [ -e \"$b/.activated\" ]; then reload_engine", shell.Commands[1], StringComparison.Ordinal);
            Assert.DoesNotContain("then restart_engine", shell.Commands[1], StringComparison.Ordinal);
            Assert.False(shell.CommandTokensCancelled.Last());
        }

        [Fact]
        public async Task LabelApply_StoppedBeforeTheScript_RunsNothing()
        {
            var shell = new FakeRemoteShell();
            var service = new EngineLabelService();
            EngineLabelPlan plan = await service.PlanAsync(shell, Labels("storage=ssd"), NullReporter.Instance, CancellationToken.None);
            using var stop = new CancellationTokenSource();
            stop.Cancel();

            SwarmException stopped = await Assert.ThrowsAsync<SwarmException>(() => service.ApplyAsync(plan, NullReporter.Instance, stop.Token));

            Assert.Equal("OperationStopped", stopped.ErrorId);
            Assert.Contains("before anything was changed", stopped.Message, StringComparison.Ordinal);
            Assert.Empty(shell.Commands);
        }

        [Fact]
        public async Task LabelPlan_RefusesADaemonJsonWithHosts_BeforeAnythingChanges()
        {
            var shell = new FakeRemoteShell();
            shell.Files[RemotePaths.DaemonJson] = "{ \"hosts\": [\"tcp://0.0.0.0:2375\"] }";

            SwarmException failure = await Assert.ThrowsAsync<SwarmException>(() => new EngineLabelService().PlanAsync(shell, Labels("storage=ssd"), NullReporter.Instance, CancellationToken.None));

            Assert.Equal("DaemonJsonHostsConflict", failure.ErrorId);
            Assert.Empty(shell.Writes);
            Assert.Empty(shell.Commands);
        }

        [Theory]
        [InlineData("docker_active", "inactive", "EngineNotRunning")]
        [InlineData("systemd", "no", "SystemdNotFound")]
        [InlineData("dockerd", "no", "DockerNotInstalled")]
        public async Task LabelPlan_OfAHostThatCannotReload_IsRefused_AfterTheProbeAlone(string fact, string value, string errorId)
        {
            var shell = new FakeRemoteShell();
            shell.Facts[fact] = value;

            SwarmException failure = await Assert.ThrowsAsync<SwarmException>(() => new EngineLabelService().PlanAsync(shell, Labels("storage=ssd"), NullReporter.Instance, CancellationToken.None));

            Assert.Equal(errorId, failure.ErrorId);
            Assert.Equal("core-01", failure.Target);
            Assert.Equal(1, shell.RoundTrips);
            Assert.Empty(shell.Commands);
        }

        private static IReadOnlyDictionary<string, string> Labels(params string[] pairs) => EngineLabels.Parse(pairs);
    }
}
