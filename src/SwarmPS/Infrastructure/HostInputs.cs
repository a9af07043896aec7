using System.Collections.Generic;
using System.Management.Automation;

namespace SwarmPS.Infrastructure
{
    /// <summary>A host as the user gave it: its name, and for a SwarmHost object the SSH port and user it was reached with.</summary>
    internal readonly record struct HostInput(string Name, int? Port = null, string? UserName = null);

    /// <summary>Turns the module's objects or plain names from the pipeline into hosts.</summary>
    internal static class HostInputs
    {
        /// <summary>The hosts behind DockerHost, SwarmHost or SwarmNode objects (or strings); anything else is an error for that item.</summary>
        internal static IEnumerable<HostInput> Resolve(SwarmCmdlet cmdlet, IEnumerable<PSObject> items)
        {
            foreach (PSObject item in items)
            {
                switch (item.BaseObject)
                {
                    case DockerHost engine:
                        yield return new HostInput(engine.Name);
                        break;
                    case SwarmHost host:
                        yield return new HostInput(host.Name, host.Port, host.UserName);
                        break;
                    case SwarmNode node:
                        // A node's engine is known by the name its host was enabled with: its hostname or its address.
                        bool knownByHostname = cmdlet.Sessions.FindEngines(node.Hostname).Count > 0 || cmdlet.Sessions.FindHost(node.Hostname) != null;
                        yield return new HostInput(knownByHostname || string.IsNullOrEmpty(node.Address) ? node.Hostname : node.Address);
                        break;
                    case string name:
                        yield return new HostInput(name);
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
