using System;
using System.Collections.Generic;
using System.Linq;
using SwarmPS.Engine.Docker;
using SwarmPS.Engine.Ssh;

namespace SwarmPS.Engine.Sessions
{
    /// <summary>
    /// The live SSH sessions of one PowerShell runspace, found by host name, and its Docker clients,
    /// found by endpoint (address, port, transport and TLS mode). Locked, because cmdlets fan work out
    /// to many hosts at once.
    /// </summary>
    public sealed class SessionStore : IDisposable
    {
        private readonly object gate = new object();
        private readonly Dictionary<string, HostSession> hosts = new Dictionary<string, HostSession>(StringComparer.OrdinalIgnoreCase);
        private readonly Dictionary<string, DockerConnection> engines = new Dictionary<string, DockerConnection>(StringComparer.OrdinalIgnoreCase);
        private bool disposed;

        public IReadOnlyList<HostSession> Hosts
        {
            get
            {
                lock (gate)
                {
                    return hosts.Values.OrderBy(h => h.Name, StringComparer.OrdinalIgnoreCase).ToList();
                }
            }
        }

        public IReadOnlyList<DockerConnection> Engines
        {
            get
            {
                lock (gate)
                {
                    return engines.Values.OrderBy(e => e.Name, StringComparer.OrdinalIgnoreCase).ToList();
                }
            }
        }

        /// <summary>Keeps a session under its host name, closing any older session to the same host.</summary>
        public void AddHost(HostSession session)
        {
            HostSession? replaced;
            lock (gate)
            {
                ThrowIfDisposed();
                hosts.TryGetValue(session.Name, out replaced);
                hosts[session.Name] = session;
            }

            if (replaced != null && !ReferenceEquals(replaced, session))
            {
                replaced.Dispose();
            }
        }

        public HostSession? FindHost(string name)
        {
            lock (gate)
            {
                return hosts.TryGetValue(name, out HostSession? session) ? session : null;
            }
        }

        public bool RemoveHost(string name)
        {
            HostSession? session;
            lock (gate)
            {
                if (!hosts.Remove(name, out session))
                {
                    return false;
                }
            }

            session.Dispose();
            return true;
        }

        /// <summary>
        /// Keeps an engine client under its endpoint. With <paramref name="onlyOneForHost"/> (the host's
        /// exposure just changed) the host's clients on other endpoints go, since those no longer answer.
        /// </summary>
        public void AddEngine(DockerConnection engine, bool onlyOneForHost = false)
        {
            var replaced = new List<DockerConnection>();
            lock (gate)
            {
                ThrowIfDisposed();
                string key = engine.Endpoint.Key;
                foreach (KeyValuePair<string, DockerConnection> open in engines.ToList())
                {
                    bool sameEndpoint = open.Key == key;
                    bool sameHost = string.Equals(open.Value.Name, engine.Name, StringComparison.OrdinalIgnoreCase);
                    if ((sameEndpoint || (onlyOneForHost && sameHost)) && !ReferenceEquals(open.Value, engine))
                    {
                        engines.Remove(open.Key);
                        replaced.Add(open.Value);
                    }
                }

                engines[key] = engine;
            }

            replaced.ForEach(old => old.Dispose());
        }

        /// <summary>The client for exactly this endpoint, if one is open.</summary>
        public DockerConnection? FindEngine(EngineEndpoint endpoint)
        {
            lock (gate)
            {
                return engines.TryGetValue(endpoint.Key, out DockerConnection? engine) ? engine : null;
            }
        }

        /// <summary>The host's engine clients, newest endpoint kind first (SSH, then TLS, then plain).</summary>
        public IReadOnlyList<DockerConnection> FindEngines(string name)
        {
            lock (gate)
            {
                return engines.Values
                    .Where(e => string.Equals(e.Name, name, StringComparison.OrdinalIgnoreCase))
                    .OrderByDescending(e => e.Endpoint.Transport)
                    .ThenByDescending(e => e.Tls)
                    .ToList();
            }
        }

        /// <summary>Closes every engine client of a host.</summary>
        public bool RemoveEngines(string name)
        {
            List<DockerConnection> removed;
            lock (gate)
            {
                removed = engines.Where(e => string.Equals(e.Value.Name, name, StringComparison.OrdinalIgnoreCase)).Select(e => e.Value).ToList();
                foreach (DockerConnection engine in removed)
                {
                    engines.Remove(engine.Endpoint.Key);
                }
            }

            removed.ForEach(engine => engine.Dispose());
            return removed.Count > 0;
        }

        public void Dispose()
        {
            List<IDisposable> all;
            lock (gate)
            {
                if (disposed)
                {
                    return;
                }

                disposed = true;
                all = hosts.Values.Cast<IDisposable>().Concat(engines.Values).ToList();
                hosts.Clear();
                engines.Clear();
            }

            foreach (IDisposable item in all)
            {
                item.Dispose();
            }
        }

        private void ThrowIfDisposed()
        {
            if (disposed)
            {
                throw new ObjectDisposedException(nameof(SessionStore), "The SwarmPS session store was closed with its runspace or module.");
            }
        }
    }
}
