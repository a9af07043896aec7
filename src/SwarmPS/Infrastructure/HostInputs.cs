using System.Collections.Generic;
using System.Management.Automation;

namespace SwarmPS.Infrastructure
{
    /// <summary>Turns the module's objects or plain names from the pipeline into host names.</summary>
    internal static class HostInputs
    {
        /// <summary>The host names behind DockerHost, SwarmHost or SwarmNode objects (or strings); anything else is an error for that item.</summary>
        internal static IEnumerable<string> NamesOf(SwarmCmdlet cmdlet, IEnumerable<PSObject> items)
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
                        bool knownByHostname = cmdlet.Sessions.FindEngines(node.Hostname).Count > 0 || cmdlet.Sessions.FindHost(node.Hostname) != null;
                        yield return knownByHostname || string.IsNullOrEmpty(node.Address) ? node.Hostname : node.Address;
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
    }
}
