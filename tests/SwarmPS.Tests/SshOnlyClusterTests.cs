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
        public async Task LabelPlan_OfABareHost_WritesDaemonJsonAndReloads_WithoutTouchingTheTcpSocket()
        {
            var shell = new LabelShell();
            shell.Inner.Files[RemotePaths.DaemonJson] = "{\n  \"log-driver\": \"journald\"\n}\n";

            EngineLabelPlan plan = await new EngineLabelService().PlanAsync(shell, Labels("storage=ssd"), NullReporter.Instance, CancellationToken.None);

            Assert.True(plan.NeedsChange);
            Assert.Equal(2, plan.Changes.Count);
            Assert.Contains("daemon.json with labels storage=ssd", plan.Describe(), StringComparison.Ordinal);
            Assert.Contains("reload", plan.Describe(), StringComparison.Ordinal);
            Assert.DoesNotContain("socket", plan.Describe(), StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("restart", plan.Describe(), StringComparison.OrdinalIgnoreCase);
            Assert.Empty(shell.Inner.Writes);
        }

        [Fact]
        public async Task LabelApply_KeepsOtherSettings_Reloads_AndWaitsForTheLabels()
        {
            var shell = new LabelShell();
            shell.Inner.Files[RemotePaths.DaemonJson] = "{\n  \"log-driver\": \"journald\",\n  \"labels\": [\"zone=a\"]\n}\n";
            var service = new EngineLabelService();
            EngineLabelPlan plan = await service.PlanAsync(shell, Labels("storage=ssd"), NullReporter.Instance, CancellationToken.None);

            await service.ApplyAsync(plan, NullReporter.Instance, CancellationToken.None);

            Assert.Equal(new[] { RemotePaths.DaemonJson }, shell.Inner.Writes);
            string written = shell.Inner.Files[RemotePaths.DaemonJson];
            Assert.Contains("\"log-driver\": \"journald\"", written, StringComparison.Ordinal);
            Assert.Contains("\"zone=a\"", written, StringComparison.Ordinal);
            Assert.Contains("\"storage=ssd\"", written, StringComparison.Ordinal);
            Assert.Contains(shell.Inner.Commands, c => c.Contains("systemctl reload docker.service", StringComparison.Ordinal));
            Assert.DoesNotContain(shell.Inner.Commands, c => c.Contains("systemctl restart", StringComparison.Ordinal) || c.Contains("systemctl enable", StringComparison.Ordinal) || c.Contains("systemctl stop", StringComparison.Ordinal));
            Assert.Equal("ssd", shell.LiveLabels["storage"]);
            Assert.Equal("a", shell.LiveLabels["zone"]);
        }

        [Fact]
        public async Task LabelPlan_OfAHostThatHasTheLabels_ChangesNothing()
        {
            var shell = new LabelShell();
            shell.Inner.Files[RemotePaths.DaemonJson] = "{\n  \"labels\": [\"storage=ssd\"]\n}\n";
            shell.Inner.SetLiveLabels(new Dictionary<string, string> { ["storage"] = "ssd" });

            EngineLabelPlan plan = await new EngineLabelService().PlanAsync(shell, Labels("storage=ssd"), NullReporter.Instance, CancellationToken.None);

            Assert.False(plan.NeedsChange);
            Assert.Empty(plan.Changes);
        }

        [Fact]
        public async Task LabelPlan_OfAFileAheadOfTheEngine_OnlyReloads()
        {
            var shell = new LabelShell();
            shell.Inner.Files[RemotePaths.DaemonJson] = "{\n  \"labels\": [\"storage=ssd\"]\n}\n";

            EngineLabelPlan plan = await new EngineLabelService().PlanAsync(shell, Labels("storage=ssd"), NullReporter.Instance, CancellationToken.None);

            Assert.Contains("reload", Assert.Single(plan.Changes), StringComparison.Ordinal);
        }

        [Fact]
        public async Task LabelApply_WhenTheEngineDoesNotTakeTheLabels_PutsTheFileBack_AndSaysEngineReloadFailed()
        {
            var shell = new LabelShell { IgnoreReload = true };
            shell.Inner.Files[RemotePaths.DaemonJson] = "{}\n";
            var service = new EngineLabelService(TimeSpan.FromMilliseconds(200));
            EngineLabelPlan plan = await service.PlanAsync(shell, Labels("storage=ssd"), NullReporter.Instance, CancellationToken.None);
            var reporter = new RecordingReporter();

            SwarmException failure = await Assert.ThrowsAsync<SwarmException>(() => service.ApplyAsync(plan, reporter, CancellationToken.None));

            Assert.Equal("EngineReloadFailed", failure.ErrorId);
            Assert.Equal("core-01", failure.Target);
            Assert.Contains(shell.Inner.Commands, c => c.Contains("/var/lib/swarmps/backup", StringComparison.Ordinal) && c.Contains("cp -a \"$b/", StringComparison.Ordinal));
            Assert.Single(reporter.Warnings);
        }

        [Fact]
        public async Task LabelPlan_RefusesADaemonJsonWithHosts_BeforeAnythingChanges()
        {
            var shell = new LabelShell();
            shell.Inner.Files[RemotePaths.DaemonJson] = "{ \"hosts\": [\"tcp://0.0.0.0:2375\"] }";

            SwarmException failure = await Assert.ThrowsAsync<SwarmException>(() => new EngineLabelService().PlanAsync(shell, Labels("storage=ssd"), NullReporter.Instance, CancellationToken.None));

            Assert.Equal("DaemonJsonHostsConflict", failure.ErrorId);
            Assert.Empty(shell.Inner.Writes);
        }

        [Fact]
        public async Task LabelPlan_OfAStoppedEngine_IsEngineNotRunning()
        {
            var shell = new LabelShell();
            shell.Inner.Facts["docker_active"] = "inactive";

            SwarmException failure = await Assert.ThrowsAsync<SwarmException>(() => new EngineLabelService().PlanAsync(shell, Labels("storage=ssd"), NullReporter.Instance, CancellationToken.None));

            Assert.Equal("EngineNotRunning", failure.ErrorId);
        }

        private static IReadOnlyDictionary<string, string> Labels(params string[] pairs) => EngineLabels.Parse(pairs);

        /// <summary>
        /// A host whose engine takes daemon.json's labels when it is reloaded, and reports them to docker info;
        /// everything else is the plain fake host.
        /// </summary>
        private sealed class LabelShell : IRemoteShell
        {
            public FakeRemoteShell Inner { get; } = new FakeRemoteShell();

            public bool IgnoreReload { get; set; }

            public IReadOnlyDictionary<string, string> LiveLabels { get; private set; } = new Dictionary<string, string>();

            public string Name => Inner.Name;

            public string Address => Inner.Address;

            public Task<RemoteCommandResult> RunAsync(string command, byte[]? input, CancellationToken cancellationToken) => SudoAsync(command, input, cancellationToken);

            public async Task<RemoteCommandResult> SudoAsync(string command, byte[]? input, CancellationToken cancellationToken)
            {
                if (command.StartsWith("docker info --format", StringComparison.Ordinal))
                {
                    return new RemoteCommandResult(0, System.Text.Json.JsonSerializer.Serialize(LiveLabels.Select(l => $"{l.Key}={l.Value}").ToArray()) + "\n", string.Empty);
                }

                RemoteCommandResult result = await Inner.SudoAsync(command, input, cancellationToken);
                if (command == EngineLabelService.ReloadScript && !IgnoreReload)
                {
                    LiveLabels = DaemonConfig.Parse(Inner.Files.GetValueOrDefault(RemotePaths.DaemonJson)).Labels;
                    Inner.SetLiveLabels(LiveLabels);
                }

                return result;
            }

            public Task<string> SudoCheckedAsync(string command, string errorId, string whatFailed, CancellationToken cancellationToken, byte[]? input = null) =>
                Inner.SudoCheckedAsync(command, errorId, whatFailed, cancellationToken, input);

            public Task<RemoteFileSet> ReadFilesAsync(IReadOnlyList<string> read, IReadOnlyList<string> probeOnly, CancellationToken cancellationToken) =>
                Inner.ReadFilesAsync(read, probeOnly, cancellationToken);

            public Task WriteFileAsync(string path, string content, string mode, CancellationToken cancellationToken) =>
                Inner.WriteFileAsync(path, content, mode, cancellationToken);
        }
    }
}
