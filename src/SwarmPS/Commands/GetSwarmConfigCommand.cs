using System.Management.Automation;
using SwarmPS.Engine.Objects;
using SwarmPS.Infrastructure;

namespace SwarmPS.Commands
{
    /// <summary>
    /// <para type="synopsis">Lists the cluster's configs, like docker config ls: name, id, created, updated, labels and the containers that use each.</para>
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "SwarmConfig")]
    [OutputType(typeof(SwarmConfigItem))]
    public sealed class GetSwarmConfigCommand : GetClusterObjectCmdlet
    {
        internal override ObjectKind Kind => ObjectKind.Config;
    }
}
