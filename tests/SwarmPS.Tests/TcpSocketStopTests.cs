using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using SwarmPS.Engine.Docker;
using SwarmPS.Engine.Provisioning;
using SwarmPS.Engine.Sessions;
using SwarmPS.Engine.Ssh;
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
        public async Task StoppedDuringTheApplyScript_RollsBackWithAnUncancelledToken_AndReportsOperationStopped()
        {
            var service = Service();
            TcpSocketPlan plan = await service.PlanAsync(shell, new TcpSocketRequest(Ssd, insecure: true, force: false), NullReporter.Instance, CancellationToken.None);
            using var stop = new CancellationTokenSource();
            shell.OnCommand = command =>
            {
                if (IsApply(command))
                {
                    stop.Cancel();
                }
            };
            shell.Respond = command => IsRollback(command) ? new RemoteCommandResult(0, "engine=restarted\n", string.Empty) : null;

            SwarmException stopped = await Assert.ThrowsAsync<SwarmException>(() => service.ApplyAsync(plan, NullReporter.Instance, stop.Token));

            Assert.Equal("OperationStopped", stopped.ErrorId);
            Assert.Equal(SwarmErrorKind.OperationStopped, stopped.Kind);
            Assert.Equal("core-01", stopped.Target);
            Assert.Contains("restored", stopped.Message, StringComparison.Ordinal);
            Assert.Contains("the engine restarted with it", stopped.Message, StringComparison.Ordinal);
            int applyAt = shell.Commands.ToList().FindIndex(IsApply);
            string rollback = Assert.Single(shell.Commands.Skip(applyAt + 1));
            Assert.True(IsRollback(rollback));
            Assert.Contains("cp -a \"$b/etc_docker_daemon.json\" /etc/docker/daemon.json", rollback, StringComparison.Ordinal);
            Assert.Contains("if [ -e \"$b/.activated\" ]; then restart_engine", rollback, StringComparison.Ordinal);
            Assert.False(shell.CommandTokensCancelled.Last());
        }

        [Fact]
        public async Task StoppedBeforeTheApplyScript_ChangesNothing_AndRunsNothing()
        {
            var service = Service();
            TcpSocketPlan plan = await service.PlanAsync(shell, new TcpSocketRequest(Ssd, insecure: true, force: false), NullReporter.Instance, CancellationToken.None);
            using var stop = new CancellationTokenSource();
            stop.Cancel();

            SwarmException stopped = await Assert.ThrowsAsync<SwarmException>(() => service.ApplyAsync(plan, NullReporter.Instance, stop.Token));

            Assert.Equal("OperationStopped", stopped.ErrorId);
            Assert.Contains("before anything was changed", stopped.Message, StringComparison.Ordinal);
            Assert.Empty(shell.Writes);
            Assert.Empty(shell.Commands);
        }

        [Fact]
        public async Task StoppedBeforeTheEngineWasTouched_SaysSo()
        {
            var service = Service();
            TcpSocketPlan plan = await service.PlanAsync(shell, new TcpSocketRequest(Ssd, insecure: true, force: false), NullReporter.Instance, CancellationToken.None);
            using var stop = new CancellationTokenSource();
            shell.OnCommand = command =>
            {
                if (IsApply(command))
                {
                    stop.Cancel();
                }
            };
            shell.Respond = command => IsRollback(command) ? new RemoteCommandResult(0, "engine=untouched\n", string.Empty) : null;

            SwarmException stopped = await Assert.ThrowsAsync<SwarmException>(() => service.ApplyAsync(plan, NullReporter.Instance, stop.Token));

            Assert.Equal("OperationStopped", stopped.ErrorId);
            Assert.Contains("the engine was not restarted", stopped.Message, StringComparison.Ordinal);
        }

        private static bool IsApply(string command) => command.Contains(ApplyScript.Marker, StringComparison.Ordinal) && command.Contains("put() {", StringComparison.Ordinal);

        private static bool IsRollback(string command) => command.Contains(ApplyScript.PidFile, StringComparison.Ordinal) && !command.Contains("put() {", StringComparison.Ordinal);

        private DockerTcpSocketService Service() =>
            new DockerTcpSocketService(null, new EngineOpener(sessions, () => throw new InvalidOperationException("No client in these tests.")));
    }
}
