using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using SwarmPS.Engine.Docker;
using SwarmPS.Engine.Provisioning;
using SwarmPS.Engine.Sessions;
using SwarmPS.Tests.Fakes;
using Xunit;

namespace SwarmPS.Tests
{
    /// <summary>Ctrl+C in the middle of Enable-DockerTcpSocket's change: the host is put back with a token of its own.</summary>
    public sealed class TcpSocketStopTests : IDisposable
    {
        private static readonly IReadOnlyDictionary<string, string> Ssd = new Dictionary<string, string> { ["storage"] = "ssd" };
        private readonly SessionStore sessions = new SessionStore();
        private readonly FakeRemoteShell shell = new FakeRemoteShell("core-01", "10.0.0.1");

        public void Dispose() => sessions.Dispose();

        [Fact]
        public async Task StoppedDuringTheRestart_RollsBackWithAnUncancelledToken_AndReportsOperationStopped()
        {
            var service = Service();
            TcpSocketPlan plan = await service.PlanAsync(shell, new TcpSocketRequest(Ssd, insecure: true, force: false), NullReporter.Instance, CancellationToken.None);
            using var stop = new CancellationTokenSource();
            shell.OnCommand = command =>
            {
                if (command == RemoteFiles.RestartEngineScript)
                {
                    stop.Cancel();
                }
            };

            SwarmException stopped = await Assert.ThrowsAsync<SwarmException>(() => service.ApplyAsync(plan, NullReporter.Instance, stop.Token));

            Assert.Equal("OperationStopped", stopped.ErrorId);
            Assert.Equal(SwarmErrorKind.OperationStopped, stopped.Kind);
            Assert.Equal("core-01", stopped.Target);
            Assert.Contains("restored", stopped.Message, StringComparison.Ordinal);
            int restartAt = shell.Commands.ToList().IndexOf(RemoteFiles.RestartEngineScript);
            string restore = Assert.Single(shell.Commands.Skip(restartAt + 1));
            Assert.Contains("cp -a \"$b/etc_docker_daemon.json\" /etc/docker/daemon.json", restore, StringComparison.Ordinal);
            Assert.EndsWith(RemoteFiles.RestartEngineScript, restore, StringComparison.Ordinal);
            Assert.False(shell.CommandTokensCancelled.Last());
        }

        [Fact]
        public async Task StoppedWhileWritingFiles_PutsTheFilesBack_WithoutARestart()
        {
            var service = Service();
            TcpSocketPlan plan = await service.PlanAsync(shell, new TcpSocketRequest(Ssd, insecure: true, force: false), NullReporter.Instance, CancellationToken.None);
            using var stop = new CancellationTokenSource();
            shell.OnCommand = command =>
            {
                if (command.Contains("mkdir -p \"$b\"", StringComparison.Ordinal))
                {
                    stop.Cancel();
                }
            };

            SwarmException stopped = await Assert.ThrowsAsync<SwarmException>(() => service.ApplyAsync(plan, NullReporter.Instance, stop.Token));

            Assert.Equal("OperationStopped", stopped.ErrorId);
            Assert.Empty(shell.Writes);
            Assert.DoesNotContain(RemoteFiles.RestartEngineScript, shell.Commands);
            Assert.Contains("the engine was not restarted", stopped.Message, StringComparison.Ordinal);
        }

        private DockerTcpSocketService Service() =>
            new DockerTcpSocketService(null, new EngineOpener(sessions, () => throw new InvalidOperationException("No client in these tests.")));
    }
}
