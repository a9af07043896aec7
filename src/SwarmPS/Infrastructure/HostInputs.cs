using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using SwarmPS.Engine.Docker;
using SwarmPS.Engine.Provisioning;
using SwarmPS.Engine.Sessions;
using SwarmPS.Engine.State;
using SwarmPS.Engine.Tls;

namespace SwarmPS.Infrastructure
{
    /// <summary>Turns the module's objects or plain names from the pipeline into hosts, and hosts into engines.</summary>
    internal static class HostInputs
    {
        /// <summary>The host names behind DockerHost, SwarmHost or SwarmNode objects (or strings).</summary>
        internal static IEnumerable<string> NamesOf(Cmdlet cmdlet, SessionStore sessions, IEnumerable<PSObject> items)
        {
            foreach (PSObject item in items)
            {
                switch (item.BaseObject)
                {
                    case DockerHost engine:
                        yield return engine.Name;
                        break;
                    case SwarmHost host:
                        yield return host.Name;
                        break;
                    case SwarmNode node:
                        // A node's engine is known by the name its host was enabled with: its hostname or its address.
                        yield return sessions.FindEngine(node.Hostname) != null || string.IsNullOrEmpty(node.Address) ? node.Hostname : node.Address;
                        break;
                    case string name:
                        yield return name;
                        break;
                    default:
                        cmdlet.WriteError(ErrorRecords.InvalidArgument("InputObjectNotAHost",
                            $"Expected a host name or a DockerHost, SwarmHost or SwarmNode object, not {item.BaseObject.GetType().Name}.", item));
                        break;
                }
            }
        }

        /// <summary>
        /// The host's engine client from this session, or a new one on its TCP port: with mutual TLS when
        /// an identity is given, plain otherwise (an engine exposed with -Insecure).
        /// </summary>
        internal static async Task<DockerConnection> EngineAsync(SessionStore sessions, string name, TlsIdentity? identity, int port, IOperationReporter reporter, CancellationToken cancellationToken)
        {
            DockerConnection? engine = sessions.FindEngine(name);
            if (engine != null)
            {
                return engine;
            }

            string address = sessions.FindHost(name)?.Address ?? name;
            reporter.Verbose($"Opening the Engine API at tcp://{address}:{port}{(identity == null ? " without TLS" : " with mutual TLS")}.");
            engine = await DockerConnection.OpenAsync(name, address, port, identity, cancellationToken).ConfigureAwait(false);
            sessions.AddEngine(engine);
            return engine;
        }
    }
}
