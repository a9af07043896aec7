using System;
using System.Management.Automation;
using SwarmPS.Engine.Context;
using SwarmPS.Infrastructure;

namespace SwarmPS.Commands
{
    /// <summary>
    /// <para type="synopsis">Removes a Docker CLI context that Export-SwarmContext wrote, with its TLS files; a current context pointing at it is reset.</para>
    /// </summary>
    [Cmdlet(VerbsCommon.Remove, "SwarmContext", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(void))]
    public sealed class RemoveSwarmContextCommand : SwarmCmdlet
    {
        /// <summary>The contexts to remove, by name or as SwarmContext objects from Export-SwarmContext.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string[] Name { get; set; } = Array.Empty<string>();

        /// <summary>Remove a context SwarmPS did not write (one made with docker context create) as well.</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        protected override void ProcessRecord()
        {
            var store = new DockerContextStore(DockerContextStore.DefaultConfigDirectory);
            foreach (string name in Name)
            {
                try
                {
                    DockerContextStore.ValidateName(name);
                    if (!store.Exists(name))
                    {
                        WriteVerbose($"No Docker CLI context named '{name}' in {store.ConfigDirectory}; nothing to remove.");
                        continue;
                    }

                    string? cluster = store.ClusterOf(name);
                    if (cluster == null && !Force.IsPresent)
                    {
                        throw new SwarmException("DockerContextNotFromSwarmPS", SwarmErrorKind.InvalidOperation,
                            $"The Docker CLI context '{name}' was not written by Export-SwarmContext, so SwarmPS leaves it alone. Remove it with docker context rm {name}, or run again with -Force.", name);
                    }

                    bool current = string.Equals(store.CurrentContext, name, StringComparison.Ordinal);
                    string what = $"Remove the Docker CLI context{(cluster == null ? string.Empty : $" of cluster '{cluster}'")} ({store.HostOf(name)}) and its TLS files{(current ? ", and reset the current context to default" : string.Empty)}";
                    if (ShouldProcess(name, what))
                    {
                        store.Remove(name);
                        WriteVerbose($"Removed context '{name}' from {store.ConfigDirectory}{(current ? "; the Docker CLI's current context is the default again" : string.Empty)}.");
                    }
                }
                catch (SwarmException failure)
                {
                    WriteSwarmError(failure, name);
                }
                catch (Exception io) when (io is System.IO.IOException || io is UnauthorizedAccessException)
                {
                    WriteError(new ErrorRecord(io, "DockerContextRemoveFailed", ErrorCategory.WriteError, name));
                }
            }
        }
    }
}
