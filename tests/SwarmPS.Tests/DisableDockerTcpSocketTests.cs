using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using SwarmPS.Engine.Provisioning;
using SwarmPS.Tests.Fakes;
using Xunit;

namespace SwarmPS.Tests
{
    /// <summary>Disable-DockerTcpSocket takes out what SwarmPS put in, keeps later edits, and removes the listener first.</summary>
    public sealed class DisableDockerTcpSocketTests
    {
        private const string Original = "{\"log-level\": \"warn\", \"labels\": [\"rack=r1\"]}";
        private static readonly string Written = DaemonConfig.Parse(Original).Render(
            new Dictionary<string, string> { ["storage"] = "ssd" }, new TlsFiles(RemotePaths.CaCertificate, RemotePaths.ServerCertificate, RemotePaths.ServerKey), removeTls: false);

        [Fact]
        public void Unedited_PutsTheOriginalBack()
        {
            DaemonJsonRevision revision = DaemonJsonRevert.Revise(Original, Written, Written);

            Assert.True(revision.RestoresOriginal);
            Assert.Equal(Original, revision.Json);
        }

        [Fact]
        public void EditedLater_KeepsTheEdits_AndDropsOnlySwarmPsSettings()
        {
            JsonObject current = (JsonObject)JsonNode.Parse(Written)!;
            current["log-level"] = "debug";
            current["max-concurrent-downloads"] = 5;
            current["labels"] = new JsonArray("rack=r1", "storage=ssd", "team=blue");

            DaemonJsonRevision revision = DaemonJsonRevert.Revise(Original, Written, current.ToJsonString());

            Assert.False(revision.RestoresOriginal);
            Assert.Empty(revision.Conflicts);
            JsonObject result = (JsonObject)JsonNode.Parse(revision.Json!)!;
            Assert.Equal("debug", (string?)result["log-level"]);
            Assert.Equal(5, (int?)result["max-concurrent-downloads"]);
            Assert.Equal(new[] { "rack=r1", "team=blue" }, result["labels"]!.AsArray().Select(l => (string?)l));
            Assert.False(result.ContainsKey("tlsverify"));
            Assert.False(result.ContainsKey("tlscert"));
            Assert.Contains(revision.KeptEdits, e => e.StartsWith("log-level", StringComparison.Ordinal));
        }

        [Fact]
        public void NoOriginal_AndOnlySwarmPsSettingsLeft_RemovesTheFile()
        {
            string written = DaemonConfig.Parse(null).Render(new Dictionary<string, string> { ["storage"] = "ssd" }, null, removeTls: false);
            string current = "{\"labels\": [\"storage=ssd\"], \"debug\": true}";

            Assert.Null(DaemonJsonRevert.Revise(null, written, written).Json);
            Assert.Equal("{\n  \"debug\": true\n}\n", DaemonJsonRevert.Revise(null, written, current).Json);
        }

        [Fact]
        public void SwarmPsTlsSettingEditedSince_IsAConflictNamingIt()
        {
            JsonObject current = (JsonObject)JsonNode.Parse(Written)!;
            current["tlscert"] = "/etc/docker/mine.pem";

            DaemonJsonRevision revision = DaemonJsonRevert.Revise(Original, Written, current.ToJsonString());

            string conflict = Assert.Single(revision.Conflicts);
            Assert.Contains("tlscert", conflict, StringComparison.Ordinal);
            Assert.Contains("/etc/docker/mine.pem", conflict, StringComparison.Ordinal);
            Assert.False(((JsonObject)JsonNode.Parse(revision.Json!)!).ContainsKey("tlscert"));
        }

        [Fact]
        public void NotRecorded_EstimatesWhatSwarmPsWrote()
        {
            JsonObject current = (JsonObject)JsonNode.Parse(Written)!;
            current["debug"] = true;

            DaemonJsonRevision revision = DaemonJsonRevert.Revise(Original, null, current.ToJsonString());

            JsonObject result = (JsonObject)JsonNode.Parse(revision.Json!)!;
            Assert.True((bool?)result["debug"]);
            Assert.Equal(new[] { "rack=r1" }, result["labels"]!.AsArray().Select(l => (string?)l));
            Assert.False(result.ContainsKey("tlsverify"));
        }

        [Fact]
        public async Task Disable_RemovesTheSocketUnitBeforeTouchingDaemonJson_AndKeepsLaterEdits()
        {
            var shell = EnabledHost(current: Written.Replace("\"warn\"", "\"error\"", StringComparison.Ordinal));

            Assert.True(await DockerTcpSocketService.DisableAsync(shell, force: false, NullReporter.Instance, CancellationToken.None));

            int socketGone = shell.Commands.ToList().FindIndex(c => c.Contains("systemctl disable --now docker-tcp.socket", StringComparison.Ordinal) && !c.Contains("docker.service", StringComparison.Ordinal));
            Assert.True(socketGone >= 0, "The socket unit was not removed on its own.");
            Assert.Contains(RemotePaths.DaemonJson, shell.Writes);
            Assert.Equal("error", (string?)JsonNode.Parse(shell.Files[RemotePaths.DaemonJson])!["log-level"]);
            Assert.DoesNotContain("tls", shell.Files[RemotePaths.DaemonJson], StringComparison.Ordinal);
            int restart = shell.Commands.ToList().FindIndex(c => c.Contains(RemoteFiles.RestartEngineScript, StringComparison.Ordinal));
            Assert.True(socketGone < restart);
            Assert.Equal(1, shell.Probes);
            Assert.Equal(5, shell.RoundTrips);
        }

        [Fact]
        public async Task Disable_OfAHostSwarmPsNeverChanged_IsOneRoundTrip_AndChangesNothing()
        {
            var shell = new FakeRemoteShell();

            Assert.False(await DockerTcpSocketService.DisableAsync(shell, force: false, NullReporter.Instance, CancellationToken.None));

            Assert.Equal(1, shell.RoundTrips);
            Assert.Empty(shell.Commands);
            Assert.Empty(shell.Writes);
        }

        [Fact]
        public async Task Disable_WithSwarmPsTlsSettingEdited_IsRefusedWithoutForce_AndChangesNothing()
        {
            var shell = EnabledHost(current: Written.Replace(RemotePaths.ServerCertificate, "/etc/docker/mine.pem", StringComparison.Ordinal));

            SwarmException refused = await Assert.ThrowsAsync<SwarmException>(() => DockerTcpSocketService.DisableAsync(shell, force: false, NullReporter.Instance, CancellationToken.None));

            Assert.Equal("DaemonJsonEditedSinceEnable", refused.ErrorId);
            Assert.Contains("-Force", refused.Message, StringComparison.Ordinal);
            Assert.Empty(shell.Writes);
            Assert.DoesNotContain(shell.Commands, c => c.Contains("docker-tcp.socket", StringComparison.Ordinal) && !c.StartsWith("test -e", StringComparison.Ordinal));
        }

        private static FakeRemoteShell EnabledHost(string current)
        {
            var shell = new FakeRemoteShell();
            shell.Files[RemotePaths.OriginalBackup] = string.Empty;
            shell.Files[$"{RemotePaths.OriginalBackup}/etc_docker_daemon.json"] = Original;
            shell.Files[RemotePaths.WrittenDaemonJson] = Written;
            shell.Files[RemotePaths.DaemonJson] = current;
            return shell;
        }
    }
}
