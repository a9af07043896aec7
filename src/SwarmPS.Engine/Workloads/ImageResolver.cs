using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Docker.DotNet.Models;
using SwarmPS.Engine.Cluster;
using SwarmPS.Engine.Docker;
using SwarmPS.Engine.Registry;

namespace SwarmPS.Engine.Workloads
{
    /// <summary>The image a service will run, as decided before anything is created.</summary>
    public sealed class ResolvedImage
    {
        internal ResolvedImage(string reference, string? digest, ImageInspectResponse? local, RegistryLogin? login)
        {
            Reference = reference;
            Digest = digest;
            Local = local;
            Login = login;
        }

        /// <summary>What the service spec gets: name:tag@digest when the registry pinned it, else the name as given.</summary>
        public string Reference { get; }

        /// <summary>The registry's digest; null when the nodes' own copies are used.</summary>
        public string? Digest { get; }

        /// <summary>A node's copy, for the image's exposed ports; null when no node was asked or none has it.</summary>
        public ImageInspectResponse? Local { get; }

        /// <summary>The login the nodes pull with, sent with the service as --with-registry-auth sends it.</summary>
        public RegistryLogin? Login { get; }
    }

    /// <summary>
    /// Resolves an image as docker service create does: the manager asks the registry for the manifest, and the
    /// service pins the digest, so every node runs the same image and a typo fails before anything exists. When the
    /// registry has no answer (an image built or loaded on the nodes, a registry out of reach), the nodes that may
    /// run the container are asked for their own copies instead.
    /// </summary>
    public static class ImageResolver
    {
        /// <param name="credential">A login given for this command (its Registry is ignored: it is for the image's registry); else the one saved for that registry is used.</param>
        /// <param name="savedLogin">The saved login for a registry key, or null (Connect-SwarmRegistry's store).</param>
        /// <param name="needConfig">The image's configuration is wanted (its exposed ports): ask the nodes for their copy even when the registry pinned it.</param>
        public static async Task<ResolvedImage> ResolveAsync(ClusterContext context, string container, string image, RegistryLogin? credential,
            Func<string, RegistryLogin?> savedLogin, IReadOnlyList<NodeFacts> matching, bool needConfig, IOperationReporter reporter, CancellationToken cancellationToken)
        {
            ImageReference reference = ImageReference.Parse(image);
            RegistryLogin? login = credential != null
                ? new RegistryLogin(reference.AuthKey, credential.UserName, credential.Password)
                : savedLogin(reference.AuthKey);
            if (login != null)
            {
                reporter.Verbose($"Using the login of '{login.UserName}' for {reference.Registry}{(credential != null ? string.Empty : " saved by Connect-SwarmRegistry")}.");
            }

            reporter.Progress($"Asking {reference.Registry} for {reference.FamiliarTagged}", 10);
            IDockerEngine manager = context.RequireManager();
            RegistryAnswer answer = await manager.InspectDistributionAsync(reference.ToString(), login, cancellationToken).ConfigureAwait(false);
            if (answer.Verdict == RegistryVerdict.Found)
            {
                string pinned = reference.PinnedTo(answer.Digest!);
                reporter.Verbose($"{reference.Registry} has {reference.FamiliarTagged} as {answer.Digest}; the service runs exactly that, and nodes without it pull it.");
                ImageInspectResponse? config = needConfig ? (await LocalCopiesAsync(context, image, matching, reporter, cancellationToken).ConfigureAwait(false)).Image : null;
                return new ResolvedImage(pinned, answer.Digest, config, login);
            }

            if (answer.Verdict == RegistryVerdict.Unauthorized && login != null)
            {
                throw new SwarmException("RegistryAuthFailed", SwarmErrorKind.SecurityError,
                    $"{reference.Registry} refused the login of '{login.UserName}' for '{image}': {answer.Message}. Check the user name and password{(credential != null ? " given with -RegistryCredential" : $", and save them again with Connect-SwarmRegistry {reference.Registry}")}. Nothing was created.", container);
            }

            reporter.Verbose($"{reference.Registry} gave no digest for {reference.FamiliarTagged} ({answer.Message}); looking for the image on the nodes.");
            (ImageInspectResponse? local, IReadOnlyList<string> lacking) = await LocalCopiesAsync(context, image, matching, reporter, cancellationToken).ConfigureAwait(false);
            if (local == null && lacking.Count > 0 && lacking.Count == matching.Count)
            {
                throw NotFound(container, image, reference, answer, lacking);
            }

            // As docker service create warns: the nodes' copies run unpinned, so each node runs the copy it has.
            reporter.Warning($"Image '{image}' could not be resolved by {reference.Registry} to record its digest ({answer.Message}); each node runs the copy it has.");
            if (lacking.Count > 0)
            {
                reporter.Warning($"Image '{image}' is missing on {string.Join(", ", lacking)}; a task placed there would fail. Copy it there with Copy-SwarmImage.");
            }

            return new ResolvedImage(image, null, local, login);
        }

        private static SwarmException NotFound(string container, string image, ImageReference reference, RegistryAnswer answer, IReadOnlyList<string> lacking)
        {
            string nodes = string.Join(", ", lacking);
            return answer.Verdict switch
            {
                RegistryVerdict.NotFound => new SwarmException("ImageNotFound", SwarmErrorKind.ObjectNotFound,
                    $"Image '{image}' was not found: {reference.Registry} answered \"{answer.Message}\", and none of the nodes that may run it ({nodes}) has it. Check the name and tag. Nothing was created.", container),
                RegistryVerdict.Unauthorized => new SwarmException("ImageNotFound", SwarmErrorKind.ObjectNotFound,
                    $"Image '{image}' could not be read: {reference.Registry} answered \"{answer.Message}\", and none of the nodes that may run it ({nodes}) has it. If the registry needs a login, pass -RegistryCredential or save one with Connect-SwarmRegistry {reference.Registry}; otherwise check the name. Nothing was created.", container),
                _ => new SwarmException("ImageNotFound", SwarmErrorKind.ObjectNotFound,
                    $"Image '{image}' is on none of the nodes that may run it ({nodes}), and {reference.Registry} could not be asked for it ({answer.Message}). Copy it to the nodes with Copy-SwarmImage, or check that the nodes reach the registry. Nothing was created.", container),
            };
        }

        /// <summary>Every eligible node is asked, in parallel, so a warning can name all that lack the image.</summary>
        private static async Task<(ImageInspectResponse? Image, IReadOnlyList<string> Lacking)> LocalCopiesAsync(ClusterContext context, string image, IReadOnlyList<NodeFacts> matching, IOperationReporter reporter, CancellationToken cancellationToken)
        {
            (NodeFacts Node, ImageInspectResponse? Image, bool Asked)[] answers = await Task.WhenAll(matching.Select(async node =>
            {
                ClusterMember? member = context.MemberOfNode(node.Id);
                if (member == null)
                {
                    return (node, (ImageInspectResponse?)null, false);
                }

                IDockerEngine engine = await context.Engines.OpenAsync(EngineOpener.EndpointOf(member), reporter, cancellationToken).ConfigureAwait(false);
                return (node, await engine.InspectImageAsync(image, cancellationToken).ConfigureAwait(false), true);
            })).ConfigureAwait(false);
            return (answers.Select(a => a.Image).FirstOrDefault(i => i != null), answers.Where(a => a.Asked && a.Image == null).Select(a => a.Node.Hostname).ToList());
        }
    }
}
