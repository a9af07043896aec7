using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using SwarmPS.Engine.Docker;
using SwarmPS.Engine.Sessions;
using Xunit;

namespace SwarmPS.Tests
{
    /// <summary>Engine clients are kept per endpoint (address, port, transport, TLS mode): a plain one never stands in for TLS.</summary>
    public sealed class EngineCacheTests : IDisposable
    {
        private const string Address = "127.0.0.1";

        private static readonly EngineEndpoint Plain = EngineEndpoint.Tcp("core-01", Address, 2375, tls: false);
        private static readonly EngineEndpoint Tls = EngineEndpoint.Tcp("core-01", Address, 2376, tls: true);

        private readonly SessionStore sessions = new SessionStore();

        public void Dispose() => sessions.Dispose();

        [Fact]
        public void Keys_DifferByTlsModePortAndTransport_ButNotByAddressCase()
        {
            EngineEndpoint tls = EngineEndpoint.Tcp("core-01", "Core-01.Lab", 2376, tls: true);

            Assert.NotEqual(tls.Key, EngineEndpoint.Tcp("core-01", "Core-01.Lab", 2376, tls: false).Key);
            Assert.NotEqual(tls.Key, EngineEndpoint.Tcp("core-01", "Core-01.Lab", 2377, tls: true).Key);
            Assert.NotEqual(EngineEndpoint.Tcp("core-01", "core-01.lab", 22, tls: false).Key, EngineEndpoint.Ssh("core-01", "core-01.lab", 22).Key);
            Assert.NotEqual(tls.Key, EngineEndpoint.Tcp("core-01", "core-02.lab", 2376, tls: true).Key);
            Assert.Equal(tls.Key, EngineEndpoint.Tcp("core-01", "core-01.lab", 2376, tls: true).Key);
            Assert.Equal(tls.Key, EngineEndpoint.Tcp("core-01", "CORE-01.LAB", 2376, tls: true).Key);
        }

        [Fact]
        public void FindEngine_WithAPlainAndATlsClientOfOneHost_ReturnsTheOneOfEachEndpoint()
        {
            DockerConnection plain = DockerConnection.Unopened(Plain);
            DockerConnection tls = DockerConnection.Unopened(Tls);
            sessions.AddEngine(plain);
            sessions.AddEngine(tls);

            Assert.Same(plain, sessions.FindEngine(Plain));
            Assert.Same(tls, sessions.FindEngine(Tls));
            Assert.Same(tls, sessions.FindEngine(EngineEndpoint.Tcp("core-01", "127.0.0.1", 2376, tls: true)));
            Assert.Equal(new[] { tls, plain }, sessions.FindEngines("CORE-01"));
        }

        [Fact]
        public void FindEngine_NeverGivesThePlainClient_ForATlsEndpoint()
        {
            sessions.AddEngine(DockerConnection.Unopened(Plain));

            // Neither on the TLS port nor on the plain one.
            Assert.Null(sessions.FindEngine(Tls));
            Assert.Null(sessions.FindEngine(EngineEndpoint.Tcp("core-01", Address, 2375, tls: true)));
        }

        [Fact]
        public async Task AddEngine_OnlyOneForHost_ClosesTheHostsOtherClients_ButNotOtherHosts()
        {
            // Loopback port 1, where no engine listens: a client wrongly left open fails at once, and reaches no engine.
            var plainEndpoint = EngineEndpoint.Tcp("core-01", Address, 1, tls: false);
            DockerConnection plain = DockerConnection.Unopened(plainEndpoint);
            DockerConnection otherHost = DockerConnection.Unopened(EngineEndpoint.Tcp("core-02", "127.0.0.2", 2375, tls: false));
            DockerConnection tls = DockerConnection.Unopened(Tls);
            sessions.AddEngine(plain);
            sessions.AddEngine(otherHost);

            sessions.AddEngine(tls, onlyOneForHost: true);

            Assert.Null(sessions.FindEngine(plainEndpoint));
            Assert.Same(tls, sessions.FindEngine(Tls));
            Assert.Same(otherHost, sessions.FindEngine(otherHost.Endpoint));
            Assert.Equal(new[] { otherHost, tls }.OrderBy(e => e.Name), sessions.Engines);
            SwarmException closed = await Assert.ThrowsAsync<SwarmException>(() => plain.GetInfoAsync(CancellationToken.None));
            Assert.IsType<ObjectDisposedException>(closed.InnerException);
        }

        [Fact]
        public void AddEngine_OfAnotherClientForTheSameEndpoint_ReplacesTheOldOne()
        {
            DockerConnection first = DockerConnection.Unopened(Tls);
            DockerConnection second = DockerConnection.Unopened(EngineEndpoint.Tcp("core-01", Address, 2376, tls: true));
            sessions.AddEngine(first);
            sessions.AddEngine(second);

            Assert.Same(second, sessions.FindEngine(Tls));
            Assert.Single(sessions.Engines);
        }

        [Fact]
        public void RemoveEngines_ClosesOnlyThatHostsClients()
        {
            sessions.AddEngine(DockerConnection.Unopened(Plain));
            sessions.AddEngine(DockerConnection.Unopened(Tls));
            DockerConnection otherHost = DockerConnection.Unopened(EngineEndpoint.Tcp("core-02", "127.0.0.2", 2376, tls: true));
            sessions.AddEngine(otherHost);

            Assert.True(sessions.RemoveEngines("core-01"));

            Assert.Equal(new[] { otherHost }, sessions.Engines);
            Assert.False(sessions.RemoveEngines("core-01"));
        }

        [Fact]
        public async Task OpenAsync_OfACachedEndpoint_ReturnsTheKeptClient_WithoutOpening()
        {
            DockerConnection plain = DockerConnection.Unopened(Plain);
            DockerConnection tls = DockerConnection.Unopened(Tls);
            sessions.AddEngine(plain);
            sessions.AddEngine(tls);

            // Opening a TLS client would need the identity first; this one refuses, so any open would show.
            var opener = new EngineOpener(sessions, () => throw new InvalidOperationException("opened"));
            IEngineSource source = opener;

            Assert.Same(tls, await opener.OpenAsync(EngineEndpoint.Tcp("core-01", Address, 2376, tls: true), NullReporter.Instance, CancellationToken.None));
            Assert.Same(plain, await source.OpenAsync(Plain, NullReporter.Instance, CancellationToken.None));
            Assert.Equal(2, sessions.Engines.Count);
        }

        [Fact]
        public async Task OpenAsync_OfAnUncachedTlsEndpoint_DoesNotHandOutThePlainClient()
        {
            sessions.AddEngine(DockerConnection.Unopened(Plain));
            var opener = new EngineOpener(sessions, () => throw new InvalidOperationException("a new TLS client was being opened"));

            Assert.Null(sessions.FindEngine(Tls));

            // It goes to open a new client (asking for the identity before any network), not to the plain one.
            InvalidOperationException opening = await Assert.ThrowsAsync<InvalidOperationException>(() => opener.OpenAsync(Tls, NullReporter.Instance, CancellationToken.None));
            Assert.Equal("a new TLS client was being opened", opening.Message);
            Assert.Null(sessions.FindEngine(Tls));
        }
    }
}
