using System;
using System.Collections.Generic;
using System.Linq;
using SwarmPS.Engine.Docker;
using SwarmPS.Engine.Ssh;

namespace SwarmPS.Engine.Sessions
{
    /// <summary>
    /// The live SSH sessions and Docker clients of one PowerShell runspace, found by host name.
    /// Locked, because cmdlets fan work out to many hosts at once.
    /// </summary>
    public sealed class SessionStore : IDisposable
    {
        private readonly object gate = new object();
        private readonly Dictionary<string, HostSession> hosts = new Dictionary<string, HostSession>(StringComparer.OrdinalIgnoreCase);
        private readonly Dictionary<string, DockerConnection> engines = new Dictionary<string, DockerConnection>(StringComparer.OrdinalIgnoreCase);
        private bool disposed;

        /// <summary>The cluster chosen in this session (New-SwarmCluster or -Cluster on Get-SwarmCluster).</summary>
        public string? CurrentCluster { get; set; }

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

        public void AddEngine(DockerConnection engine)
        {
            DockerConnection? replaced;
            lock (gate)
            {
                ThrowIfDisposed();
                engines.TryGetValue(engine.Name, out replaced);
                engines[engine.Name] = engine;
            }

            if (replaced != null && !ReferenceEquals(replaced, engine))
            {
                replaced.Dispose();
            }
        }

        public DockerConnection? FindEngine(string name)
        {
            lock (gate)
            {
                return engines.TryGetValue(name, out DockerConnection? engine) ? engine : null;
            }
        }

        public bool RemoveEngine(string name)
        {
            DockerConnection? engine;
            lock (gate)
            {
                if (!engines.Remove(name, out engine))
                {
                    return false;
                }
            }

            engine.Dispose();
            return true;
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
