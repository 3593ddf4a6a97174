/**
 * A correspondent node with route optimisation (draft-ietf-mobileip-optim-11, seed 000 claims 2-3):
 * a binding cache filled by authenticated binding updates, and datagrams to a bound mobile node
 * tunnelled straight to its care-of address.
 */
@Export
@Version("0.1.0")
package io.mvpn.mobilenode.correspondent;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
