using System.Management.Automation;
using SwarmPS.Engine.Objects;
using SwarmPS.Infrastructure;

namespace SwarmPS.Commands
{
    /// <summary>
    /// <para type="synopsis">Lists the cluster's secrets, like docker secret ls: name, id, created, updated, labels and the containers that use each, never a value.</para>
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "SwarmSecret")]
    [OutputType(typeof(SwarmSecret))]
    public sealed class GetSwarmSecretCommand : GetClusterObjectCmdlet
    {
        internal override ObjectKind Kind => ObjectKind.Secret;
    }
}
