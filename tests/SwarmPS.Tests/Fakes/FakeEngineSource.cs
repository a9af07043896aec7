using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using SwarmPS.Engine.Docker;

namespace SwarmPS.Tests.Fakes
{
    /// <summary>
    /// Opens fake engines by endpoint: the engine of the host the endpoint names, when it listens exactly
    /// there (same address, port and TLS mode) and is not down; else DockerEndpointUnreachable, as a real open would fail.
    /// </summary>
    public sealed class FakeEngineSource : IEngineSource
    {
        private readonly object gate = new object();
        private readonly Dictionary<string, FakeDockerEngine> engines = new Dictionary<string, FakeDockerEngine>(StringComparer.OrdinalIgnoreCase);
        private readonly HashSet<string> down = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        private readonly List<EngineEndpoint> opened = new List<EngineEndpoint>();

        public FakeEngineSource(params FakeDockerEngine[] engines)
        {
            foreach (FakeDockerEngine engine in engines)
            {
                Add(engine);
            }
        }

        /// <summary>Every endpoint asked for, in order.</summary>
        public IReadOnlyList<EngineEndpoint> Opened
        {
            get
            {
                lock (gate)
                {
                    return opened.ToList();
                }
            }
        }

        public void Add(FakeDockerEngine engine)
        {
            lock (gate)
            {
                engines[engine.Name] = engine;
            }
        }

        /// <summary>From now on the host's engine does not answer.</summary>
        public void TakeDown(string name)
        {
            lock (gate)
            {
                down.Add(name);
            }
        }

        public Task<IDockerEngine> OpenAsync(EngineEndpoint endpoint, IOperationReporter reporter, CancellationToken cancellationToken)
        {
            lock (gate)
            {
                opened.Add(endpoint);
                if (engines.TryGetValue(endpoint.Name, out FakeDockerEngine? engine) && engine.Endpoint.Key == endpoint.Key && !down.Contains(endpoint.Name))
                {
                    return Task.FromResult<IDockerEngine>(engine);
                }
            }

            throw new SwarmException("DockerEndpointUnreachable", SwarmErrorKind.ConnectionError,
                $"Reading the engine's version on {endpoint.Name}: the Docker engine did not answer at {endpoint}.", endpoint.Name);
        }

        public string HostKeyFingerprintOf(string host) => "SHA256:fake-" + host;
    }
}
