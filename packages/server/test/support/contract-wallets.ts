import { encodeAbiParameters, encodeFunctionData, type Hex, parseAbi, serializeErc6492Signature } from 'viem'
import type { PrivateKeyAccount } from 'viem/accounts'
import { afterAll, beforeAll, beforeEach } from 'vitest'
import { type Compiled, compileContracts, type LocalChain, startLocalChain } from './local-chain.js'
import { startTestServer, type TestServer } from './test-server.js'

/**
 * The contract wallets of the EIP-1271/6492 tests, compiled with solc-js at test setup: an
 * owner-based wallet, a 2-of-3 multisig, a CREATE2 factory for counterfactual (EIP-6492)
 * accounts, and two broken wallets (one whose isValidSignature reverts, one that answers the
 * magic value in 4 bytes instead of an ABI word).
 */
const SOURCE = `
// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.20;

library Sig {
  function recover(bytes32 hash, bytes memory sig, uint256 offset) internal pure returns (address) {
    bytes32 r;
    bytes32 s;
    uint8 v;
    assembly {
      r := mload(add(sig, add(32, offset)))
      s := mload(add(sig, add(64, offset)))
      v := byte(0, mload(add(sig, add(96, offset))))
    }
    if (v < 27) v += 27;
    return ecrecover(hash, v, r, s);
  }
}

contract OwnerWallet {
  address public owner;
  constructor(address initialOwner) { owner = initialOwner; }
  function setOwner(address next) external {
    require(msg.sender == owner, "not owner");
    owner = next;
  }
  function isValidSignature(bytes32 hash, bytes calldata signature) external view returns (bytes4) {
    if (signature.length == 65 && Sig.recover(hash, signature, 0) == owner) return 0x1626ba7e;
    return 0xffffffff;
  }
}

contract Multisig2of3 {
  address[3] public owners;
  constructor(address[3] memory initialOwners) { owners = initialOwners; }
  function isOwner(address who) internal view returns (bool) {
    return who != address(0) && (who == owners[0] || who == owners[1] || who == owners[2]);
  }
  function isValidSignature(bytes32 hash, bytes calldata signature) external view returns (bytes4) {
    if (signature.length != 130) return 0xffffffff;
    address first = Sig.recover(hash, signature, 0);
    address second = Sig.recover(hash, signature, 65);
    if (first != second && isOwner(first) && isOwner(second)) return 0x1626ba7e;
    return 0xffffffff;
  }
}

contract RevertingWallet {
  function isValidSignature(bytes32, bytes calldata) external pure returns (bytes4) {
    revert("no");
  }
}

contract ShortAnswerWallet {
  function isValidSignature(bytes32, bytes calldata) external pure returns (bytes4) {
    assembly {
      mstore(0, 0x1626ba7e00000000000000000000000000000000000000000000000000000000)
      return(0, 4)
    }
  }
}

contract WalletFactory {
  function deploy(address owner, bytes32 salt) external returns (address) {
    return address(new OwnerWallet{salt: salt}(owner));
  }
  function addressOf(address owner, bytes32 salt) external view returns (address) {
    bytes32 code = keccak256(abi.encodePacked(type(OwnerWallet).creationCode, abi.encode(owner)));
    return address(uint160(uint256(keccak256(abi.encodePacked(bytes1(0xff), address(this), salt, code)))));
  }
}
`

let compiled: Record<string, Compiled> | undefined
/** Compiled once per test file (solc-js takes about a second). */
export const contracts = () => {
  compiled ??= compileContracts({ 'Wallets.sol': SOURCE })
  return compiled
}

const ownerWalletAbi = parseAbi(['function setOwner(address next)'])
const factoryAbi = parseAbi([
  'function deploy(address owner, bytes32 salt) returns (address)',
  'function addressOf(address owner, bytes32 salt) view returns (address)',
])

export function deployOwnerWallet(chain: LocalChain, owner: Hex): Promise<Hex> {
  return chain.deploy(contracts().OwnerWallet!, encodeAbiParameters([{ type: 'address' }], [owner]))
}

export function deployMultisig(chain: LocalChain, owners: [Hex, Hex, Hex]): Promise<Hex> {
  return chain.deploy(contracts().Multisig2of3!, encodeAbiParameters([{ type: 'address[3]' }], [owners]))
}

export function setOwner(chain: LocalChain, wallet: Hex, currentOwner: Hex, next: Hex): Promise<void> {
  return chain.send(
    currentOwner,
    wallet,
    encodeFunctionData({ abi: ownerWalletAbi, functionName: 'setOwner', args: [next] }),
  )
}

export const deployFactoryData = (owner: Hex, salt: Hex): Hex =>
  encodeFunctionData({ abi: factoryAbi, functionName: 'deploy', args: [owner, salt] })

export async function counterfactualAddress(
  chain: LocalChain,
  factory: Hex,
  owner: Hex,
  salt: Hex,
): Promise<Hex> {
  const word = await chain.read(
    factory,
    encodeFunctionData({ abi: factoryAbi, functionName: 'addressOf', args: [owner, salt] }),
  )
  return `0x${word.slice(26)}` as Hex
}

/** The owner's personal_sign of the message, wrapped for EIP-6492 with the factory call that deploys the account. */
export async function sign6492(
  owner: PrivateKeyAccount,
  message: string,
  factory: Hex,
  factoryData: Hex,
): Promise<Hex> {
  const signature = await owner.signMessage({ message })
  return serializeErc6492Signature({ address: factory, data: factoryData, signature })
}

/**
 * For the tests of a file: the contracts compiled, a local chain (`chainId`) and a test server that
 * signs in on `siweChainIds` with that chain's node (1 s RPC timeout), started once and handed to
 * `use`; before each test the chain's request log is cleared and its answers undelayed.
 */
export function useContractWalletChain(
  chainId: number,
  siweChainIds: number[],
  use: (started: { chain: LocalChain; server: TestServer }) => void,
): void {
  let chain: LocalChain | undefined
  let server: TestServer | undefined
  beforeAll(async () => {
    contracts() // solc-js, once per file
    chain = await startLocalChain(chainId)
    server = await startTestServer({
      siweChainIds,
      chainRpcUrls: { [chainId]: chain.url },
      chainRpcTimeoutSeconds: 1,
    })
    use({ chain, server })
  })
  afterAll(async () => {
    await server?.close()
    await chain?.close()
  })
  beforeEach(() => {
    chain!.requests.length = 0
    chain!.setDelayMs(0)
  })
}
